import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

export default mergeConfig(
  sharedConfig,
  defineProject({
    test: {
      name: '@torchlet/bundler-test',
      include: ['test/**/*.test.ts'],
      // Packing, installing and four builds happen once, in beforeAll.
      hookTimeout: 600_000,
      testTimeout: 120_000,
    },
  }),
);
