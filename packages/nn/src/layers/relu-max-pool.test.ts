import { traceOps, type Variable, variable } from '@torchlet/autograd';
import { fromStorage, type Tensor } from '@torchlet/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Module } from '../module.js';
import { ReLU } from './activation.js';
import { Flatten } from './flatten.js';
import { MaxPool2d, type MaxPool2dLayerOptions } from './pooling.js';
import { swapsReluMaxPool } from './relu-max-pool.js';
import { Sequential } from './sequential.js';

/** The layers one after the other, in their own order (what Sequential computed before the swap). */
function inOrder(layers: readonly Module[], x: Variable): Variable {
  let y = x;
  for (const l of layers) y = l.forward(y);
  return y;
}

function bits(t: Tensor): number[] {
  return Array.from(t.toTypedArray() as Float32Array | Float64Array);
}

function expectSameBits(a: Tensor, b: Tensor): void {
  expect(a.shape).toEqual(b.shape);
  const x = bits(a);
  const y = bits(b);
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) throw new Error(`element ${i}: ${x[i]} vs ${y[i]}`);
}

/** Values with ties, zeros of both signs, all-negative windows and (optionally) NaN. */
const value = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 2, 0.5),
  fc.double({ min: -3, max: 3, noNaN: true }),
  fc.constant(Number.NaN),
);

describe('Sequential runs ReLU, MaxPool2d as MaxPool2d, ReLU', () => {
  it('with the same output and input gradient bit for bit, for any values and pooling options (property)', () => {
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 2 * 2 * 6 * 6, maxLength: 2 * 2 * 6 * 6 }),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 64, maxLength: 64 }),
        fc.constantFrom(
          [2, {}],
          [3, { stride: 2, padding: 1 }],
          [2, { stride: 1, dilation: 2 }],
          [3, { stride: 2, ceilMode: true }],
        ) as fc.Arbitrary<[number, MaxPool2dLayerOptions]>,
        fc.constantFrom('float32', 'float64'),
        (values, upstream, [k, options], dtype) => {
          const data = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
          const layers = [new ReLU(), new MaxPool2d(k, options), new Flatten()];
          const net = new Sequential(...layers);
          const a = variable(fromStorage(data, [2, 2, 6, 6]), { requiresGrad: true });
          const b = variable(fromStorage(data.slice(), [2, 2, 6, 6]), { requiresGrad: true });
          const ya = net.forward(a);
          const yb = inOrder(layers, b);
          expectSameBits(ya.data, yb.data);
          const g = upstream.slice(0, ya.shape[1]);
          const weights = fromStorage(
            dtype === 'float32'
              ? Float32Array.from({ length: ya.numel }, (_, i) => g[i % g.length])
              : Float64Array.from({ length: ya.numel }, (_, i) => g[i % g.length]),
            ya.shape,
          );
          ya.mul(weights).sum().backward();
          yb.mul(weights).sum().backward();
          expectSameBits(a.grad as Tensor, b.grad as Tensor);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('only for the built-in layers on a float image batch on the CPU, and not under traceOps', () => {
    const x = variable(fromStorage(new Float32Array(2 * 3 * 4 * 4), [2, 3, 4, 4]));
    expect(swapsReluMaxPool([new ReLU(), new MaxPool2d(2)], 0, x)).toBe(true);
    expect(swapsReluMaxPool([new MaxPool2d(2), new ReLU()], 0, x)).toBe(false);
    expect(swapsReluMaxPool([new ReLU()], 0, x)).toBe(false);
    class MyReLU extends ReLU {}
    expect(swapsReluMaxPool([new MyReLU(), new MaxPool2d(2)], 0, x)).toBe(false);
    const patched = new MaxPool2d(2);
    patched.forward = (input) => MaxPool2d.prototype.forward.call(patched, input) as Variable;
    expect(swapsReluMaxPool([new ReLU(), patched], 0, x)).toBe(false);
    expect(
      swapsReluMaxPool([new ReLU(), new MaxPool2d(2)], 0, variable(fromStorage(new Int32Array(16), [1, 1, 4, 4]))),
    ).toBe(false);
    expect(swapsReluMaxPool([new ReLU(), new MaxPool2d(2)], 0, variable(fromStorage(new Float32Array(16), [16])))).toBe(
      false,
    );
    const names: string[] = [];
    traceOps(
      () => new Sequential(new ReLU(), new MaxPool2d(2)).forward(x),
      (op) => names.push(op.name),
    );
    expect(names).toEqual(['relu', 'maxPool2d']);
  });

  it('records the pooling before the ReLU in the graph', () => {
    const x = variable(
      fromStorage(
        Float32Array.from({ length: 16 }, (_, i) => i - 8),
        [1, 1, 4, 4],
      ),
      { requiresGrad: true },
    );
    const y = new Sequential(new ReLU(), new MaxPool2d(2)).forward(x);
    expect(y.gradFn?.name).toBe('relu');
    expect(y.gradFn?.nextFunctions[0]?.name).toBe('maxPool2d');
    // Rows 0-1 hold -8..-1 (pooled to 0 by the ReLU), rows 2-3 hold 0..7.
    expect(y.toArray()).toEqual([
      [
        [
          [0, 0],
          [5, 7],
        ],
      ],
    ]);
  });
});
