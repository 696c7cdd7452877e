// The environment that gives Node's Dawn (the `webgpu` package) an adapter on a machine without a
// GPU: the SwiftShader Vulkan driver that Chromium ships (Debian's `chromium` package, or a
// Playwright download), and its folder on the library path (for its libvulkan.so.1 when the
// system has no Vulkan loader). Variables the user already set win. Used by the vitest configs
// that run WebGPU code (this package, the doc-tests).
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const ICD = 'vk_swiftshader_icd.json';

/** Folders that may hold Chromium's SwiftShader driver, most likely first. */
function candidateDirs(env: NodeJS.ProcessEnv): string[] {
  const dirs = ['/usr/lib/chromium', '/usr/lib64/chromium', '/usr/lib/chromium-browser'];
  const cache = env.PLAYWRIGHT_BROWSERS_PATH || join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ms-playwright');
  if (existsSync(cache)) {
    for (const build of readdirSync(cache).filter((n) => n.startsWith('chromium'))) {
      for (const sub of ['chrome-linux64', 'chrome-linux']) dirs.push(join(cache, build, sub));
    }
  }
  return dirs;
}

export function swiftshaderEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  if (env.VK_ICD_FILENAMES) return {};
  const dir = candidateDirs(env).find((d) => existsSync(join(d, ICD)));
  if (dir === undefined) return {};
  const libraryPath = env.LD_LIBRARY_PATH ? `${dir}:${env.LD_LIBRARY_PATH}` : dir;
  return { VK_ICD_FILENAMES: join(dir, ICD), LD_LIBRARY_PATH: libraryPath };
}
