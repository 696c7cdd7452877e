import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.ts';

// Repository-wide checks: layering, packaging.
export default mergeConfig(
  sharedConfig,
  defineProject({
    test: { name: 'repo', include: ['**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
  }),
);
