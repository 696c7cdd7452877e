import { configDefaults, defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.ts';

// Repository-wide checks: layering, packaging.
export default mergeConfig(
  sharedConfig,
  defineProject({
    test: {
      name: 'repo',
      include: ['**/*.test.ts'],
      // fresh-clone.test.ts runs `pnpm test` in a clone; that nested run leaves it out, or it would
      // clone itself forever.
      exclude: [
        ...configDefaults.exclude,
        ...(process.env.TORCHLET_FRESH_CLONE_NESTED === '1' ? ['fresh-clone.test.ts'] : []),
      ],
      testTimeout: 300_000,
      hookTimeout: 300_000,
    },
  }),
);
