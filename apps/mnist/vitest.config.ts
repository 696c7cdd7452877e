import { defineProject, mergeConfig } from 'vitest/config';
import { swiftshaderEnv } from '../../packages/webgpu/test/swiftshader-env.ts';
import { sharedConfig } from '../../vitest.shared.ts';

export default mergeConfig(
  sharedConfig,
  defineProject({
    test: {
      name: '@torchlet/mnist',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // --device webgpu is tested on SwiftShader where there is no GPU (see @torchlet/webgpu).
      env: swiftshaderEnv(),
    },
  }),
);
