// Separable 2-D resampling of [planes, inH, inW]: each output row reads a weighted list of input
// rows and each output column a weighted list of input columns (nearest: one tap of weight 1;
// bilinear: two; antialiased: a filter's width). The caller computes the tables, so one kernel
// serves every mode with the caller's rounding rules. The backward is the same kernel over the
// transposed tables: an input pixel gathers the upstream pixels that read it, with their weights.

import { checkObject, contextOf } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import { checkBuffers, checkLength, dispatch, groupsFor, paramsBinding } from './dispatch.js';
import { argumentError, checkCount, describeValue } from './errors.js';
import { allocate } from './transfer.js';
import { f32Word } from './wgsl.js';

/**
 * Names of the resampling kernels, as `getWebGPUInfo().lastKernel` reports them.
 *
 * @example
 * ```ts
 * import { RESAMPLE2D_KERNELS } from '@torchlet/webgpu';
 * RESAMPLE2D_KERNELS.backward; // -> 'webgpu-resample2d-backward'
 * ```
 */
export const RESAMPLE2D_KERNELS = {
  forward: 'webgpu-resample2d',
  backward: 'webgpu-resample2d-backward',
} as const;

/**
 * The taps of one axis: output index `o` reads source indices `index[k]` with weights `weight[k]`
 * for `k` from `starts[o]` to `starts[o + 1]` (so `starts` has one entry more than the output size).
 *
 * @example
 * ```ts
 * import type { ResampleTable } from '@torchlet/webgpu';
 * // 2 -> 3 columns: [x0, (x0 + x1) / 2, x1]
 * const t: ResampleTable = { starts: [0, 1, 3, 4], index: [0, 0, 1, 1], weight: [1, 0.5, 0.5, 1] };
 * t.starts.length; // -> 4
 * ```
 */
export interface ResampleTable {
  readonly starts: ArrayLike<number>;
  readonly index: ArrayLike<number>;
  readonly weight: ArrayLike<number>;
}

/**
 * A resampling problem: `planes` planes of `inH` x `inW`, the row taps (`rows`, one entry per
 * output row) and the column taps (`cols`, one per output column).
 *
 * @example
 * ```ts
 * import type { Resample2dGeometry } from '@torchlet/webgpu';
 * const same = { starts: [0, 1], index: [0], weight: [1] };
 * const g: Resample2dGeometry = { planes: 1, inH: 1, inW: 1, rows: same, cols: same };
 * g.planes; // -> 1
 * ```
 */
export interface Resample2dGeometry {
  readonly planes: number;
  readonly inH: number;
  readonly inW: number;
  readonly rows: ResampleTable;
  readonly cols: ResampleTable;
}

const WG = 64;

// P: [planes, inH, inW, outH, outW, rowsAt, colsAt, tables...]; a table at `at` holds starts
// (absolute positions in P of its taps) for each output index plus one, then (index, weight bits)
// pairs.
const WGSL = `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
${paramsBinding(2)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = gid.y * ng.x * ${WG}u + gid.x;
  let outH = P[3]; let outW = P[4];
  if (i >= P[0] * outH * outW) { return; }
  let plane = i / (outH * outW);
  let oy = (i / outW) % outH;
  let ox = i % outW;
  let base = plane * P[1] * P[2];
  let ry = P[5] + oy; let rx = P[6] + ox;
  var acc = 0.0;
  for (var a = P[ry]; a < P[ry + 1u]; a += 2u) {
    let row = base + P[a] * P[2];
    var line = 0.0;
    for (var b = P[rx]; b < P[rx + 1u]; b += 2u) { line += bitcast<f32>(P[b + 1u]) * X[row + P[b]]; }
    acc += bitcast<f32>(P[a + 1u]) * line;
  }
  Y[i] = acc;
}`;

function checkTable(fn: string, arg: string, t: ResampleTable, inSize: number): number {
  checkObject(fn, arg, t, 'a ResampleTable { starts, index, weight }');
  for (const f of ['starts', 'index', 'weight'] as const) {
    if (typeof t[f] !== 'object' || t[f] === null || typeof t[f].length !== 'number') {
      argumentError(fn, `${arg}.${f}`, `must be an array of numbers, got ${describeValue(t[f])}`);
    }
  }
  const out = t.starts.length - 1;
  if (out < 0) argumentError(fn, `${arg}.starts`, 'must hold at least one entry');
  if (t.index.length !== t.weight.length) {
    argumentError(fn, arg, `has ${t.index.length} indices but ${t.weight.length} weights`);
  }
  for (let o = 0; o <= out; o++) {
    const s = t.starts[o];
    const prev = o === 0 ? 0 : t.starts[o - 1];
    if (!Number.isInteger(s) || s < prev || s > t.index.length || (o === 0 && s !== 0)) {
      argumentError(fn, `${arg}.starts`, `entry ${o} is ${describeValue(s)}: starts must rise from 0 to the tap count`);
    }
  }
  if (t.starts[out] !== t.index.length) argumentError(fn, `${arg}.starts`, 'must end at the tap count');
  for (let k = 0; k < t.index.length; k++) {
    const j = t.index[k];
    if (!Number.isInteger(j) || j < 0 || j >= inSize) {
      argumentError(fn, `${arg}.index`, `entry ${k} is ${describeValue(j)}, not an index below ${inSize}`);
    }
    if (typeof t.weight[k] !== 'number') argumentError(fn, `${arg}.weight`, `entry ${k} is not a number`);
  }
  return out;
}

/** The table's words in P from position `at`: absolute starts, then (index, weight bits) pairs. */
function tableWords(t: ResampleTable, at: number): number[] {
  const out = t.starts.length - 1;
  const tapsAt = at + out + 1;
  const words: number[] = [];
  for (let o = 0; o <= out; o++) words.push(tapsAt + 2 * t.starts[o]);
  for (let k = 0; k < t.index.length; k++) words.push(t.index[k], f32Word(t.weight[k]));
  return words;
}

/** The transposed table: for each source index, the output indices reading it and their weights. */
function transpose(t: ResampleTable, inSize: number): ResampleTable {
  const counts = new Int32Array(inSize + 1);
  for (let k = 0; k < t.index.length; k++) counts[t.index[k] + 1]++;
  for (let j = 0; j < inSize; j++) counts[j + 1] += counts[j];
  const starts = Int32Array.from(counts);
  const index = new Int32Array(t.index.length);
  const weight = new Float64Array(t.index.length);
  const at = counts.slice(0, inSize);
  const out = t.starts.length - 1;
  for (let o = 0; o < out; o++) {
    for (let k = t.starts[o]; k < t.starts[o + 1]; k++) {
      const slot = at[t.index[k]]++;
      index[slot] = o;
      weight[slot] = t.weight[k];
    }
  }
  return { starts, index, weight };
}

function run(
  fn: string,
  name: string,
  x: GpuBuffer,
  planes: number,
  inH: number,
  inW: number,
  rows: ResampleTable,
  cols: ResampleTable,
  outH: number,
  outW: number,
): GpuBuffer {
  const gpu = contextOf(fn, 'x', x);
  const total = planes * outH * outW;
  const y = allocate(gpu, total);
  if (total === 0) return y;
  const head = 7;
  const rowWords = tableWords(rows, head);
  const colWords = tableWords(cols, head + rowWords.length);
  dispatch(gpu, {
    name,
    key: 'resample2d',
    wgsl: () => WGSL,
    buffers: [x, y],
    params: [planes, inH, inW, outH, outW, head, head + rowWords.length, ...rowWords, ...colWords],
    groups: groupsFor(total, WG),
  });
  return y;
}

function checkGeometry(fn: string, g: Resample2dGeometry): { outH: number; outW: number } {
  checkObject(fn, 'geometry', g, 'a Resample2dGeometry object');
  for (const f of ['planes', 'inH', 'inW'] as const) checkCount(fn, `geometry.${f}`, g[f]);
  return { outH: checkTable(fn, 'geometry.rows', g.rows, g.inH), outW: checkTable(fn, 'geometry.cols', g.cols, g.inW) };
}

/**
 * Resamples `x` (`[planes, inH, inW]`, float32, row-major): output pixel `(oy, ox)` of each plane
 * is the sum over its row taps and column taps of `wy * wx * x[iy, ix]`. Nearest, bilinear and
 * antialiased resizing are this with different tables. Kernel: `RESAMPLE2D_KERNELS.forward`.
 *
 * Shapes: `[planes, inH, inW]` -> `[planes, outH, outW]` (the tables' output sizes).
 *
 * @param x - The input planes.
 * @param geometry - Planes, input size and the two tables; see {@link Resample2dGeometry}.
 * @returns A new float32 buffer of `[planes, outH, outW]`.
 * @example
 * ```ts
 * import { initWebGPU, readback, resample2d, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const x = upload(gpu, new Float32Array([2, 4]));
 * const rows = { starts: [0, 1], index: [0], weight: [1] };
 * const cols = { starts: [0, 1, 3, 4], index: [0, 0, 1, 1], weight: [1, 0.5, 0.5, 1] };
 * Array.from(await readback(resample2d(x, { planes: 1, inH: 1, inW: 2, rows, cols }))); // -> [2, 3, 4]
 * ```
 */
export function resample2d(x: GpuBuffer, geometry: Resample2dGeometry): GpuBuffer {
  const fn = 'resample2d';
  const gpu = contextOf(fn, 'x', x);
  checkBuffers(fn, gpu, { x });
  const { outH, outW } = checkGeometry(fn, geometry);
  const { planes, inH, inW } = geometry;
  checkLength(fn, 'x', x, planes * inH * inW, 'the input of this geometry');
  return run(fn, RESAMPLE2D_KERNELS.forward, x, planes, inH, inW, geometry.rows, geometry.cols, outH, outW);
}

/**
 * The gradient of {@link resample2d}: each input pixel sums the upstream pixels that read it,
 * times the weights they read it with (the forward's adjoint). Kernel: `RESAMPLE2D_KERNELS.backward`.
 *
 * Shapes: `dy [planes, outH, outW]` -> `[planes, inH, inW]`.
 *
 * @param dy - The gradient of the resampled output, float32, row-major.
 * @param geometry - The forward's geometry; see {@link Resample2dGeometry}.
 * @returns A new float32 buffer of `[planes, inH, inW]`.
 * @example
 * ```ts
 * import { initWebGPU, readback, resample2dBackward, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const dy = upload(gpu, new Float32Array([1, 1, 1]));
 * const rows = { starts: [0, 1], index: [0], weight: [1] };
 * const cols = { starts: [0, 1, 3, 4], index: [0, 0, 1, 1], weight: [1, 0.5, 0.5, 1] };
 * Array.from(await readback(resample2dBackward(dy, { planes: 1, inH: 1, inW: 2, rows, cols }))); // -> [1.5, 1.5]
 * ```
 */
export function resample2dBackward(dy: GpuBuffer, geometry: Resample2dGeometry): GpuBuffer {
  const fn = 'resample2dBackward';
  const gpu = contextOf(fn, 'dy', dy);
  checkBuffers(fn, gpu, { dy });
  const { outH, outW } = checkGeometry(fn, geometry);
  const { planes, inH, inW } = geometry;
  checkLength(fn, 'dy', dy, planes * outH * outW, 'the output gradient of this geometry');
  const rows = transpose(geometry.rows, inH);
  const cols = transpose(geometry.cols, inW);
  return run(fn, RESAMPLE2D_KERNELS.backward, dy, planes, outH, outW, rows, cols, inH, inW);
}
