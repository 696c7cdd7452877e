// The torchlet contender: ops are synchronous and return tensors whose typed arrays are filled,
// so a call is complete when it returns.

import type { Tensor } from '@torchlet/tensor';
import type { Contender, Prepared } from './harness.js';

/**
 * The torchlet contender of one workload. `build` creates the inputs (outside timing) and returns
 * the call to time; a stub's "not implemented yet" surfaces from the first call.
 */
export function torchletContender(build: () => () => Tensor): Contender {
  return {
    name: 'torchlet',
    prepare: (): Prepared => {
      const run = build();
      return { run, output: () => run().toTypedArray() as ArrayLike<number> };
    },
  };
}
