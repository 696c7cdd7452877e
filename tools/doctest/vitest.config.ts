import { defineProject, mergeConfig } from 'vitest/config';
import { swiftshaderEnv } from '../../packages/webgpu/test/swiftshader-env.ts';
import { sharedConfig } from '../../vitest.shared.ts';

export default mergeConfig(
  sharedConfig,
  defineProject({
    test: {
      name: '@torchlet/doctest',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // @torchlet/webgpu's examples run on a WebGPU device: SwiftShader where there is no GPU.
      env: swiftshaderEnv(),
    },
  }),
);
