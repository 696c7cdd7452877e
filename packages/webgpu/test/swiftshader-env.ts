// The environment that gives Node's Dawn (the `webgpu` package) an adapter on a machine without a
// GPU: the SwiftShader Vulkan driver that Debian's `chromium` package ships, and that folder on the
// library path (for its libvulkan.so.1 when the system has no Vulkan loader). Variables the user
// already set win. Used by the vitest configs that run WebGPU code (this package, the doc-tests).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Folders where a Chromium build keeps `vk_swiftshader_icd.json`. */
const CHROMIUM_LIB_DIRS = ['/usr/lib/chromium', '/usr/lib64/chromium', '/usr/lib/chromium-browser'];

export function swiftshaderEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  if (env.VK_ICD_FILENAMES) return {};
  const dir = CHROMIUM_LIB_DIRS.find((d) => existsSync(join(d, 'vk_swiftshader_icd.json')));
  if (dir === undefined) return {};
  const libraryPath = env.LD_LIBRARY_PATH ? `${dir}:${env.LD_LIBRARY_PATH}` : dir;
  return { VK_ICD_FILENAMES: join(dir, 'vk_swiftshader_icd.json'), LD_LIBRARY_PATH: libraryPath };
}
