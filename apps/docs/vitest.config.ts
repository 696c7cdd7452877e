import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

export default mergeConfig(
  sharedConfig,
  defineProject({
    test: {
      name: '@torchlet/docs',
      include: ['test/**/*.test.ts'],
      // Building the site (typedoc + VitePress) happens once, in the browser test's beforeAll.
      hookTimeout: 600_000,
    },
  }),
);
