import { fileURLToPath } from 'node:url';
import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../../vitest.shared.ts';
import { swiftshaderEnv } from '../../webgpu/test/swiftshader-env.ts';

// The long device soak (`pnpm -F @torchlet/nn soak`): not part of the test suite, whose projects
// include only src/ and test/. No --expose-gc: the point is memory without forced collection.
export default mergeConfig(
  sharedConfig,
  defineProject({
    root: fileURLToPath(new URL('.', import.meta.url)),
    test: {
      name: '@torchlet/nn-soak',
      include: ['*.soak.ts'],
      env: swiftshaderEnv(),
      testTimeout: 4 * 3_600_000,
    },
  }),
);
