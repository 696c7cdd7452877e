import { tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { conv2d } from './functions/conv.js';
import { add, mul, relu } from './functions/elementwise.js';
import { maxPool2d } from './functions/pool.js';
import { sum } from './functions/reduce.js';
import { noGrad } from './grad-mode.js';
import { type TracedOp, traceOps } from './trace.js';
import { variable } from './variable.js';

describe('traceOps', () => {
  it('reports every operation with its operands and options, grad on or off', () => {
    const x = variable(
      tensor([
        [
          [
            [1, 2],
            [3, 4],
          ],
        ],
      ]),
      { requiresGrad: true },
    );
    const w = tensor([[[[1]]]]);
    for (const run of [(f: () => unknown) => f(), noGrad]) {
      const seen: TracedOp[] = [];
      const y = traceOps(
        () => run(() => sum(maxPool2d(relu(add(conv2d(x, w, null, { stride: 1 }), 1)), 2), [1], { keepdim: true })),
        (op) => seen.push(op),
      );
      expect(seen.map((op) => op.name)).toEqual(['conv2d', 'add', 'relu', 'maxPool2d', 'sum']);
      expect(seen[0].inputs[0]).toBe(x);
      expect(seen[0].inputs[1]?.data).toBe(w);
      expect(seen[0].inputs[2]).toBeNull();
      expect(seen[0].attrs).toEqual({ stride: 1 });
      expect(seen[1].inputs[1]?.data.item()).toBe(1);
      expect(seen[3].attrs).toEqual({ kernelSize: 2 });
      expect(seen[4].attrs).toEqual({ dims: [1], keepdim: true });
      expect(seen[4].output).toBe(y);
    }
  });

  it('leaves results and graphs as they are, and reports nothing outside a trace', () => {
    const a = variable(tensor([1, 2]), { requiresGrad: true });
    const traced = traceOps(
      () => mul(a, 3),
      () => {},
    );
    traced.sum().backward();
    expect(a.grad?.toArray()).toEqual([3, 3]);
    expect(traced.gradFn?.nextFunctions.map((n) => n?.name ?? null)).toEqual(['accumulateGrad', null]);
  });

  it('refuses nested traces and bad arguments', () => {
    expect(() =>
      traceOps(
        () =>
          traceOps(
            () => 0,
            () => {},
          ),
        () => {},
      ),
    ).toThrow(/do not nest/);
    expect(() => traceOps(0 as unknown as () => 0, () => {})).toThrow(/traceOps/);
    // The listener is cleared after an error.
    expect(
      traceOps(
        () => 1,
        () => {},
      ),
    ).toBe(1);
  });
});
