import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';
import { swiftshaderEnv } from '../webgpu/test/swiftshader-env.ts';

export default mergeConfig(
  sharedConfig,
  defineProject({
    test: {
      name: '@torchlet/nn',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // The webgpu device's tests run on SwiftShader where there is no GPU (see @torchlet/webgpu).
      env: swiftshaderEnv(),
      // The device soak test forces garbage collection to check that dropped GPU buffers come back.
      execArgv: ['--expose-gc'],
    },
  }),
);
