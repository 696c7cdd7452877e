import { defineProject, mergeConfig } from 'vitest/config';
import { swiftshaderEnv } from '../../packages/webgpu/test/swiftshader-env.ts';
import { sharedConfig } from '../../vitest.shared.ts';

export default mergeConfig(
  sharedConfig,
  defineProject({
    test: {
      name: '@torchlet/exercises',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // Test files share one module graph per worker, so the LeNets that several files run (cli,
      // registry, snippets, lenet) are trained once per worker instead of once per file. The
      // exercises keep no other state between runs (each seeds its own generators).
      isolate: false,
      // test/webgpu.test.ts runs the app with --device webgpu on SwiftShader where there is no GPU
      // (see @torchlet/webgpu); a real GPU's driver wins when VK_ICD_FILENAMES is set.
      env: swiftshaderEnv(),
    },
  }),
);
