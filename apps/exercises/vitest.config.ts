import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

export default mergeConfig(
  sharedConfig,
  defineProject({
    test: {
      name: '@torchlet/exercises',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // Test files share one module graph per worker, so the LeNets that several files run (cli,
      // registry, snippets, lenet) are trained once per worker instead of once per file. The
      // exercises keep no other state between runs (each seeds its own generators).
      isolate: false,
    },
  }),
);
