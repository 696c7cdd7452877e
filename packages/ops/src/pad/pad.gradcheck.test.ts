import { Tensor } from '@torchlet/tensor';
import { closeness, finiteDifferenceGrad, randomArr, rng } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { type PadMode, pad, padBackward } from './pad.js';

const cases: { mode: PadMode; shape: number[]; pads: number[] }[] = [
  { mode: 'constant', shape: [1, 2, 3, 4], pads: [1, -1, 2, 0] },
  { mode: 'reflect', shape: [2, 1, 3, 4], pads: [3, 1, 2, 2] },
  { mode: 'replicate', shape: [2, 3, 4], pads: [2, 3, 0, 4] },
  { mode: 'circular', shape: [1, 1, 3, 4], pads: [4, 2, 3, 1] },
  { mode: 'reflect', shape: [2, 5], pads: [4, 2] },
];

describe('padBackward vs finite differences of pad', () => {
  it.each(cases)('$mode $shape $pads', ({ mode, shape, pads }) => {
    const next = rng(shape.length * 17 + pads[0]);
    const x = randomArr(shape, next);
    const out = pad(new Tensor(x.data, shape), pads, { mode });
    const up = randomArr([...out.shape], next);
    const g = finiteDifferenceGrad((t) => pad(t, pads, { mode }), x, up.data);
    expect(closeness(padBackward(new Tensor(up.data, up.shape), shape, pads, { mode }), g, 1e-6, 1e-6)).toBeNull();
  });
});
