import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';
import { swiftshaderEnv } from '../webgpu/test/swiftshader-env.ts';

export default mergeConfig(
  sharedConfig,
  defineProject({
    test: {
      name: '@torchlet/ops',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // The webgpu device's tests run on SwiftShader where there is no GPU (see @torchlet/webgpu).
      env: swiftshaderEnv(),
    },
  }),
);
