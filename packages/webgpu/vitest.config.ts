import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';
import { swiftshaderEnv } from './test/swiftshader-env.ts';

export default mergeConfig(
  sharedConfig,
  defineProject({
    test: {
      name: '@torchlet/webgpu',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // Vitest starts the test processes with this environment, so Dawn finds SwiftShader here
      // without the user exporting anything (a real GPU's driver wins when VK_ICD_FILENAMES is set).
      env: swiftshaderEnv(),
      // SwiftShader runs shaders on the CPU: one file at a time keeps 2-core machines responsive.
      fileParallelism: false,
      // The buffer-pool test forces garbage collection to check that dropped handles come back.
      execArgv: ['--expose-gc'],
    },
  }),
);
