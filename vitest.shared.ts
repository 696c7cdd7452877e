import { defineConfig } from 'vitest/config';

// Tests run against each package's TypeScript source (the "@torchlet/source" export condition),
// so a layer's tests never need the layers below it rebuilt first.
const conditions = ['@torchlet/source', 'module', 'node', 'import', 'default'];

export const sharedConfig = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@torchlet/source'] } },
  test: {
    testTimeout: 60_000,
  },
});
