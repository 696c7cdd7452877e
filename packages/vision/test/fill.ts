// The weight and input formulas of torchvision-golden.py, in TypeScript: both languages fill the
// same values, so the logits can be compared without storing any weights.
import type { AnyModule } from '@torchlet/nn';
import { type Tensor, tensor } from '@torchlet/tensor';

/** The hash of torchvision-golden.py: `frac(|sin(i + 1000 k)| * 43758.5453)`, in [0, 1). */
function hashU(i: number, k: number): number {
  const v = Math.abs(Math.sin(i + 1000 * k)) * 43758.5453;
  return v - Math.floor(v);
}

/** The value of element `i` of the `k`-th state-dict entry `key` (see torchvision-golden.py). */
function fillValue(key: string, shape: readonly number[], k: number, n: number, i: number): number {
  const u = hashU(i, k);
  if (key.endsWith('running_var')) return 0.5 + 0.5 * u;
  if (key.endsWith('running_mean')) return 0.2 * (u - 0.5);
  if (shape.length >= 2) return (2 * u - 1) * Math.sqrt(6 / (n / shape[0]));
  if (key.endsWith('weight')) return 0.8 + 0.4 * u;
  return 0.1 * (2 * u - 1);
}

/** Overwrites every parameter and buffer of `model` (but `num_batches_tracked`) with the formula. */
export function fillModel(model: AnyModule): void {
  Object.entries(model.stateDict()).forEach(([key, t], k) => {
    if (key.endsWith('num_batches_tracked')) return;
    const n = t.numel;
    // Parameters are dense tensors of their own storage: write it directly (VGG has 10^8 values).
    const dense = t.isContiguous() && t.offset === 0 && t.data.length === n;
    const values = dense ? (t.data as Float32Array | Float64Array) : new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = fillValue(key, t.shape, k, n, i);
    // A raw write is invisible to the version counter: bump it, as any in-place write does (cached
    // values computed from these tensors, such as folded Conv2d + BatchNorm2d filters, follow it).
    if (dense) t.bumpVersion();
    else t.copyInPlace(tensor(values, { shape: t.shape }));
  });
}

/** The input formula: `x[i] = 2 hash(i, -1) - 1` over the flattened shape, in float32. */
export function formulaInput(shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = 2 * hashU(i, -1) - 1;
  return tensor(values, { shape: [...shape] });
}
