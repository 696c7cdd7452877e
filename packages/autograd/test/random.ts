import { type Tensor, tensor } from '@torchlet/tensor';

/** A deterministic float64 tensor with values in `[lo, hi)` (an LCG seeded by `seed`), for tests. */
export function rnd(shape: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = lo + (hi - lo) * (s / 4294967296);
  }
  return tensor(data, { shape: [...shape] });
}

/** Like {@link rnd} but every value has magnitude in `[0.2, 1.2)` with a random sign: away from kinks at 0. */
export function rndAway(shape: readonly number[], seed: number): Tensor {
  const t = rnd(shape, seed, -1, 1);
  const d = t.data as Float64Array;
  for (let i = 0; i < d.length; i++) d[i] = Math.sign(d[i] || 1) * (0.2 + Math.abs(d[i]));
  return t;
}

/** Distinct values (a shuffled ramp plus noise), so max/min/pooling have no ties. */
export function rndDistinct(shape: readonly number[], seed: number): Tensor {
  const t = rnd(shape, seed, 0, 1);
  const d = t.data as Float64Array;
  const order = Array.from(d.keys()).sort((a, b) => d[a] - d[b]);
  order.forEach((idx, rank) => {
    d[idx] = rank * 0.1 - d.length * 0.05 + d[idx] * 0.01;
  });
  return t;
}
