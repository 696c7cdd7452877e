import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

export default mergeConfig(
  sharedConfig,
  defineProject({
    test: { name: '@torchlet/onnx', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
  }),
);
