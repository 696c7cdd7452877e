import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Tensor, tensor } from '@torchlet/tensor';
import { closeness } from './compare.js';

/** A tensor as stored in the golden files: shape plus flat row-major data. */
export interface GoldenTensor {
  readonly shape: number[];
  readonly data: number[];
}

/** An int or an `[h, w]` pair, as PyTorch accepts for stride, padding, dilation and sizes. */
export type IntPair = number | [number, number];

export interface Conv2dCase {
  readonly op: 'conv2d';
  readonly input: GoldenTensor;
  readonly weight: GoldenTensor;
  readonly bias: GoldenTensor | null;
  readonly stride: IntPair;
  readonly padding: IntPair | 'same' | 'valid';
  readonly dilation: IntPair;
  readonly groups: number;
  readonly out: GoldenTensor;
  readonly upstream: GoldenTensor;
  readonly grad_input: GoldenTensor;
  readonly grad_weight: GoldenTensor;
  readonly grad_bias: GoldenTensor | null;
}

export interface Conv2dPaddingModeCase {
  readonly op: 'conv2d_padding_mode';
  readonly padding_mode: 'zeros' | 'reflect' | 'replicate' | 'circular';
  readonly padding: IntPair;
  readonly input: GoldenTensor;
  readonly weight: GoldenTensor;
  readonly out: GoldenTensor;
  readonly upstream: GoldenTensor;
  readonly grad_input: GoldenTensor;
  readonly grad_weight: GoldenTensor;
}

export interface UnfoldFoldCase {
  readonly op: 'unfold';
  readonly input: GoldenTensor;
  readonly kernel_size: IntPair;
  readonly stride: IntPair;
  readonly padding: IntPair;
  readonly dilation: IntPair;
  readonly out: GoldenTensor;
  readonly upstream: GoldenTensor;
  readonly grad_input: GoldenTensor;
  readonly output_size: [number, number];
  readonly fold_of_out: GoldenTensor;
}

export interface Pool2dCase {
  readonly op: 'max_pool2d' | 'avg_pool2d';
  readonly input: GoldenTensor;
  readonly kernel_size: IntPair;
  readonly stride: IntPair | null;
  readonly padding: IntPair;
  readonly ceil_mode: boolean;
  readonly count_include_pad?: boolean;
  readonly dilation?: IntPair;
  readonly out: GoldenTensor;
  readonly upstream: GoldenTensor;
  readonly grad_input: GoldenTensor;
}

export interface ConvTranspose2dCase {
  readonly op: 'conv_transpose2d';
  readonly input: GoldenTensor;
  readonly weight: GoldenTensor;
  readonly bias: GoldenTensor | null;
  readonly stride: IntPair;
  readonly padding: IntPair;
  readonly output_padding: IntPair;
  readonly dilation: IntPair;
  readonly groups: number;
  readonly out: GoldenTensor;
  readonly upstream: GoldenTensor;
  readonly grad_input: GoldenTensor;
  readonly grad_weight: GoldenTensor;
  readonly grad_bias: GoldenTensor | null;
}

export interface LearnKernelRun {
  readonly init: number[][];
  readonly lr: number;
  readonly epochs: number;
  readonly loss_per_epoch: number[];
  readonly final_weight: GoldenTensor;
}

export interface D2lCases {
  readonly corr2d_basic: { X: GoldenTensor; K: GoldenTensor; Y: GoldenTensor };
  readonly edge: { X: GoldenTensor; K: GoldenTensor; Y: GoldenTensor; Y_of_Xt: GoldenTensor };
  readonly diagonal: {
    X: GoldenTensor;
    K: GoldenTensor;
    Y: GoldenTensor;
    Y_of_Xt: GoldenTensor;
    Y_of_Kt: GoldenTensor;
  };
  readonly learn_kernel: LearnKernelRun[];
  readonly multi_channel: {
    X: GoldenTensor;
    K: GoldenTensor;
    K3: GoldenTensor;
    multi_in: GoldenTensor;
    multi_in_out: GoldenTensor;
  };
  readonly pooling: {
    X: GoldenTensor;
    X4: GoldenTensor;
    max_2x2: GoldenTensor;
    avg_2x2: GoldenTensor;
    max3: GoldenTensor;
    max3_p1_s2: GoldenTensor;
    max23_s23_p01: GoldenTensor;
  };
  readonly padding_stride_shapes: {
    kernel_size: IntPair;
    padding: IntPair;
    stride: IntPair;
    out_hw: [number, number];
  }[];
}

/** Every golden file and the shape of its `cases`. */
export interface GoldenFiles {
  conv2d: Conv2dCase[];
  conv2d_padding_mode: Conv2dPaddingModeCase[];
  unfold_fold: UnfoldFoldCase[];
  pool2d: Pool2dCase[];
  conv_transpose2d: ConvTranspose2dCase[];
  d2l: D2lCases;
}

/** Where the repository's copy of `../shared/golden` lives. */
export const goldenDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');

const minimumCases: Record<keyof GoldenFiles, number> = {
  conv2d: 1,
  conv2d_padding_mode: 1,
  unfold_fold: 1,
  pool2d: 1,
  conv_transpose2d: 1,
  d2l: 1,
};

/**
 * Loads one golden file. Fails loudly (throws) when the file is missing, unreadable, has no
 * `cases`, or a case lacks a tensor field that the file's op needs: a golden test never skips.
 */
export function loadGolden<K extends keyof GoldenFiles>(name: K): GoldenFiles[K] {
  const path = join(goldenDir, `${name}.json`);
  let parsed: { meta?: unknown; cases?: unknown };
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as { meta?: unknown; cases?: unknown };
  } catch (e) {
    throw new Error(`golden: cannot read ${path}: ${(e as Error).message}`);
  }
  const cases = parsed.cases;
  if (cases === undefined || cases === null) throw new Error(`golden: ${path} has no "cases"`);
  const count = Array.isArray(cases) ? cases.length : Object.keys(cases as object).length;
  if (count < minimumCases[name]) throw new Error(`golden: ${path} has no cases`);
  if (Array.isArray(cases)) {
    cases.forEach((c: Record<string, unknown>, i) => {
      for (const field of ['input', 'out', 'upstream', 'grad_input']) {
        if (!isGoldenTensor(c[field]))
          throw new Error(`golden: ${name} case ${i} (${String(c.op)}) lacks tensor "${field}"`);
      }
    });
  }
  return cases as GoldenFiles[K];
}

function isGoldenTensor(x: unknown): x is GoldenTensor {
  if (typeof x !== 'object' || x === null) return false;
  const g = x as { shape?: unknown; data?: unknown };
  if (!Array.isArray(g.shape) || !Array.isArray(g.data)) return false;
  return g.shape.reduce((a: number, b: number) => a * b, 1) === g.data.length;
}

/** A golden tensor as a torchlet tensor (float32 unless `dtype` says otherwise). */
export function toTensor(g: GoldenTensor, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  return tensor(dtype === 'float32' ? Float32Array.from(g.data) : Float64Array.from(g.data), { shape: g.shape });
}

/** `[h, w]` from an int or a pair. */
export function pair(v: IntPair): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/** A short label for a golden case, for test names: its op and options. */
export function caseLabel(c: object, index: number): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(c)) {
    if (k === 'op' || (typeof v === 'object' && v !== null && !Array.isArray(v))) continue;
    parts.push(`${k}=${JSON.stringify(v)}`);
  }
  const input = (c as { input?: GoldenTensor }).input;
  return `#${index} ${(c as { op?: string }).op ?? ''} input ${JSON.stringify(input?.shape ?? [])} ${parts.join(' ')}`;
}

/**
 * The tolerance the golden README asks for: float32 results compared with an absolute error that
 * grows with the number of terms summed into each output (`atol = 1e-5 * terms`), `rtol = 1e-5`.
 */
export function goldenTolerance(terms: number): { atol: number; rtol: number } {
  return { atol: 1e-5 * Math.max(1, terms), rtol: 1e-5 };
}

/**
 * {@link closeness} of `actual` to a golden tensor at the {@link goldenTolerance} for outputs that
 * each sum `terms` products: `null` when every element (and the shape) matches.
 */
export function goldenCloseness(actual: Tensor, expected: GoldenTensor, terms: number): string | null {
  const { atol, rtol } = goldenTolerance(terms);
  return closeness(actual, expected, atol, rtol);
}
