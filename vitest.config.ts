import { defineConfig } from 'vitest/config';

// One run covers every package and app: each folder below has its own vitest.config.ts.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tools/*', 'benchmarks', 'test'],
  },
});
