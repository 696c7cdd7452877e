import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

export default mergeConfig(
  sharedConfig,
  defineProject({
    test: {
      name: '@torchlet/kernels',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // Tests import the TypeScript sources, which load dist/gemm.wasm: compile it when stale.
      globalSetup: ['./test/build-wasm.setup.ts'],
    },
  }),
);
