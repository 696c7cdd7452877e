// Gathers where each output coordinate reads one source coordinate per dimension, from a table per
// dimension: flip (a reversed table), roll (a rotated one), padding in every mode and any number
// of dimensions (-1 marks a fill), cropping and nearest resizing. The forward copies 32-bit words,
// so it is exact for float32, int32 and bool alike. The backward (float32) gathers too, through
// the inverse tables: an input element sums the output elements that read it (no atomics).

import { checkObject, checkShape, contextOf } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import { checkBuffers, checkLength, dispatch, groupsFor, paramsBinding } from './dispatch.js';
import { argumentError, checkCount, describeValue } from './errors.js';
import { allocate } from './transfer.js';
import { f32Word } from './wgsl.js';

/**
 * Names of the gather kernels, as `getWebGPUInfo().lastKernel` reports them.
 *
 * @example
 * ```ts
 * import { GATHER_KERNELS } from '@torchlet/webgpu';
 * GATHER_KERNELS.forward; // -> 'webgpu-gather-axes'
 * ```
 */
export const GATHER_KERNELS = {
  forward: 'webgpu-gather-axes',
  backward: 'webgpu-gather-axes-backward',
} as const;

/**
 * A gather of {@link gatherAxes}: the source's shape, layout (strides and offset, contiguous by
 * default) and one table per dimension. `maps[d][o]` is the source index along dimension `d` of
 * output index `o` (so the output's size along `d` is the table's length), or `-1` for a fill;
 * `null` keeps the dimension as it is.
 *
 * @example
 * ```ts
 * import type { AxisGather } from '@torchlet/webgpu';
 * // flip the columns of a [2, 3] matrix
 * const g: AxisGather = { inShape: [2, 3], maps: [null, [2, 1, 0]] };
 * g.maps.length; // -> 2
 * ```
 */
export interface AxisGather {
  /** The source's sizes. */
  readonly inShape: readonly number[];
  /** The source's strides in elements (default: contiguous). */
  readonly inStrides?: readonly number[];
  /** The source's first element (default 0). */
  readonly inOffset?: number;
  /** One table per dimension, or `null` for the identity. */
  readonly maps: readonly (ArrayLike<number> | null)[];
}

/**
 * The element type {@link gatherAxes} writes its fill value as (the copy itself moves raw 32-bit words).
 *
 * @example
 * ```ts
 * import type { GatherFill } from '@torchlet/webgpu';
 * const fill: GatherFill = { value: -1, dtype: 'int32' };
 * fill.value; // -> -1
 * ```
 */
export interface GatherFill {
  /** The value written where a table says `-1`. Default 0. */
  readonly value?: number;
  /** How `value` is stored: `'float32'` (default) or `'int32'`. */
  readonly dtype?: 'float32' | 'int32';
}

const WG = 64;
const IDENTITY = 0xffffffff;

// P: [total, ndim, inOffset, fill, outShape[ndim], inStrides[ndim], mapAt[ndim], tables...]
const FORWARD = `@group(0) @binding(0) var<storage, read> X: array<u32>;
@group(0) @binding(1) var<storage, read_write> Y: array<u32>;
${paramsBinding(2)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = gid.y * ng.x * ${WG}u + gid.x;
  if (i >= P[0]) { return; }
  let nd = P[1];
  var rem = i;
  var src = P[2];
  for (var k = i32(nd) - 1; k >= 0; k--) {
    let d = u32(k);
    let size = P[4u + d];
    let c = rem % size;
    rem = rem / size;
    var s = c;
    let at = P[4u + 2u * nd + d];
    if (at != ${IDENTITY}u) {
      let m = bitcast<i32>(P[at + c]);
      if (m < 0) { Y[i] = P[3]; return; }
      s = u32(m);
    }
    src += s * P[4u + nd + d];
  }
  Y[i] = X[src];
}`;

// P: [totalIn, ndim, inShape[ndim], outStrides[ndim], invAt[ndim], inverse tables...]; the inverse
// table of a dimension holds, per input index j, the range [P[at + j], P[at + j + 1]) of P that
// lists the output indices reading j.
const BACKWARD = `@group(0) @binding(0) var<storage, read> DY: array<f32>;
@group(0) @binding(1) var<storage, read_write> DX: array<f32>;
${paramsBinding(2)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let j = gid.y * ng.x * ${WG}u + gid.x;
  if (j >= P[0]) { return; }
  let nd = P[1];
  var combos = 1u;
  var rem = j;
  for (var k = i32(nd) - 1; k >= 0; k--) {
    let d = u32(k);
    let c = rem % P[2u + d];
    rem = rem / P[2u + d];
    let at = P[2u + 2u * nd + d];
    if (at != ${IDENTITY}u) { combos *= P[at + c + 1u] - P[at + c]; }
  }
  var acc = 0.0;
  for (var t = 0u; t < combos; t++) {
    var r = j;
    var q = t;
    var o = 0u;
    for (var k = i32(nd) - 1; k >= 0; k--) {
      let d = u32(k);
      let c = r % P[2u + d];
      r = r / P[2u + d];
      var s = c;
      let at = P[2u + 2u * nd + d];
      if (at != ${IDENTITY}u) {
        let lo = P[at + c];
        let len = P[at + c + 1u] - lo;
        s = P[lo + q % len];
        q = q / len;
      }
      o += s * P[2u + nd + d];
    }
    acc += DY[o];
  }
  DX[j] = acc;
}`;

/** Validates a gather and returns its output shape and the source's strides. */
function checkGather(fn: string, g: AxisGather): { outShape: number[]; strides: readonly number[] } {
  checkObject(fn, 'geometry', g, 'an AxisGather object { inShape, maps }');
  checkShape(fn, 'geometry.inShape', g.inShape);
  const nd = g.inShape.length;
  if (!Array.isArray(g.maps) || g.maps.length !== nd) {
    argumentError(fn, 'geometry.maps', `must hold one table (or null) per dimension of [${g.inShape.join(',')}]`);
  }
  let strides: readonly number[];
  if (g.inStrides === undefined) {
    const s = new Array<number>(nd);
    let at = 1;
    for (let d = nd - 1; d >= 0; d--) {
      s[d] = at;
      at *= g.inShape[d];
    }
    strides = s;
  } else {
    checkShape(fn, 'geometry.inStrides', g.inStrides);
    if (g.inStrides.length !== nd) argumentError(fn, 'geometry.inStrides', `must hold ${nd} strides`);
    strides = g.inStrides;
  }
  if (g.inOffset !== undefined) checkCount(fn, 'geometry.inOffset', g.inOffset);
  const outShape = g.maps.map((m, d) => {
    if (m === null) return g.inShape[d];
    if (typeof m !== 'object' || typeof m.length !== 'number') {
      argumentError(fn, `geometry.maps[${d}]`, `must be an array of indices or null, got ${describeValue(m)}`);
    }
    for (let o = 0; o < m.length; o++) {
      const s = m[o];
      if (!Number.isInteger(s) || s < -1 || s >= g.inShape[d]) {
        argumentError(
          fn,
          `geometry.maps[${d}]`,
          `entry ${o} is ${describeValue(s)}, not -1 or an index below ${g.inShape[d]}`,
        );
      }
    }
    return m.length;
  });
  return { outShape, strides };
}

function count(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The last element the source view reaches (for the buffer-length check). */
function lastSource(g: AxisGather, strides: readonly number[]): number {
  return g.inShape.reduce((at, size, d) => at + (size - 1) * strides[d], g.inOffset ?? 0);
}

/**
 * Gathers a new contiguous buffer whose element at output coordinates `(o_0, ..., o_n)` is the
 * source element at `(maps[0][o_0], ..., maps[n][o_n])` (a `null` table keeps the coordinate), or
 * the fill value where a table says `-1`. Copies 32-bit words: float32, int32 and bool buffers
 * all come out exact. Kernel: `GATHER_KERNELS.forward`.
 *
 * Shapes: source `inShape` (any layout) -> `[maps[0].length, ...]` (the source size where `null`).
 *
 * @param x - The source buffer.
 * @param geometry - The source's shape and layout and the tables; see {@link AxisGather}.
 * @param fill - The value (and its element type) written where a table says `-1`; see {@link GatherFill}.
 * @returns A new buffer of the output shape, row-major.
 * @example
 * ```ts
 * import { gatherAxes, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const x = upload(gpu, new Float32Array([1, 2, 3, 4, 5, 6]));
 * // flip the columns of [[1, 2, 3], [4, 5, 6]], then pad one column of 0 on the left
 * const y = gatherAxes(x, { inShape: [2, 3], maps: [null, [-1, 2, 1, 0]] });
 * Array.from(await readback(y)); // -> [0, 3, 2, 1, 0, 6, 5, 4]
 * ```
 */
export function gatherAxes(x: GpuBuffer, geometry: AxisGather, fill: GatherFill = {}): GpuBuffer {
  const fn = 'gatherAxes';
  const gpu = contextOf(fn, 'x', x);
  checkBuffers(fn, gpu, { x });
  const { outShape, strides } = checkGather(fn, geometry);
  checkObject(fn, 'fill', fill, 'a fill object { value?, dtype? }');
  const value = fill.value ?? 0;
  if (typeof value !== 'number') argumentError(fn, 'fill.value', `must be a number, got ${describeValue(value)}`);
  if (fill.dtype !== undefined && fill.dtype !== 'float32' && fill.dtype !== 'int32') {
    argumentError(fn, 'fill.dtype', `must be 'float32' or 'int32', got ${describeValue(fill.dtype)}`);
  }
  const total = count(outShape);
  const y = allocate(gpu, total);
  if (total === 0) return y;
  if (count(geometry.inShape) > 0) {
    checkLength(fn, 'x', x, lastSource(geometry, strides) + 1, 'the source view');
  }
  const nd = outShape.length;
  const head = 4 + 3 * nd;
  const params = [total, nd, geometry.inOffset ?? 0, fill.dtype === 'int32' ? value | 0 : f32Word(value)];
  params.push(...outShape, ...strides);
  const tables: number[] = [];
  for (const m of geometry.maps) {
    if (m === null) {
      params.push(IDENTITY);
      continue;
    }
    params.push(head + tables.length);
    for (let o = 0; o < m.length; o++) tables.push(m[o]);
  }
  params.push(...tables);
  dispatch(gpu, {
    name: GATHER_KERNELS.forward,
    key: 'gather-axes',
    wgsl: () => FORWARD,
    buffers: [x, y],
    params,
    groups: groupsFor(total, WG),
  });
  return y;
}

/**
 * The gradient of {@link gatherAxes} (float32): each source element sums the upstream elements
 * that read it (a table naming it twice counts twice; fills read nothing). `dy` is contiguous of
 * the gather's output shape; the result is contiguous of `inShape` (the layout fields of the
 * geometry are ignored). Kernel: `GATHER_KERNELS.backward`.
 *
 * Shapes: `dy` of the gather's output shape -> `inShape`.
 *
 * @param dy - The gradient of the gathered output, float32, row-major.
 * @param geometry - The forward's geometry; see {@link AxisGather}.
 * @returns A new float32 buffer of `inShape`, row-major.
 * @example
 * ```ts
 * import { gatherAxesBackward, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * // replicate padding of [a, b] by two on the left: [a, a, a, b]
 * const dy = upload(gpu, new Float32Array([1, 1, 1, 1]));
 * Array.from(await readback(gatherAxesBackward(dy, { inShape: [2], maps: [[0, 0, 0, 1]] }))); // -> [3, 1]
 * ```
 */
export function gatherAxesBackward(dy: GpuBuffer, geometry: AxisGather): GpuBuffer {
  const fn = 'gatherAxesBackward';
  const gpu = contextOf(fn, 'dy', dy);
  checkBuffers(fn, gpu, { dy });
  const { outShape } = checkGather(fn, geometry);
  const totalOut = count(outShape);
  checkLength(fn, 'dy', dy, totalOut, 'the gathered output');
  const inShape = geometry.inShape;
  const totalIn = count(inShape);
  if (totalOut === 0) return allocate(gpu, totalIn, { zero: true });
  const dx = allocate(gpu, totalIn);
  if (totalIn === 0) return dx;
  const nd = inShape.length;
  const outStrides = new Array<number>(nd);
  let at = 1;
  for (let d = nd - 1; d >= 0; d--) {
    outStrides[d] = at;
    at *= outShape[d];
  }
  const head = 2 + 3 * nd;
  const params = [totalIn, nd, ...inShape, ...outStrides];
  const tables: number[] = [];
  for (const [d, m] of geometry.maps.entries()) {
    if (m === null) {
      params.push(IDENTITY);
      continue;
    }
    // Inverse table: ranges (absolute positions in P) then the output indices, by input index.
    const size = inShape[d];
    const counts = new Int32Array(size);
    for (let o = 0; o < m.length; o++) if (m[o] >= 0) counts[m[o]]++;
    const base = head + tables.length;
    params.push(base);
    const listAt = base + size + 1;
    let next = listAt;
    const starts = new Array<number>(size + 1);
    for (let j = 0; j < size; j++) {
      starts[j] = next;
      next += counts[j];
    }
    starts[size] = next;
    const list = new Array<number>(next - listAt);
    const fillAt = starts.slice(0, size);
    for (let o = 0; o < m.length; o++) if (m[o] >= 0) list[fillAt[m[o]]++ - listAt] = o;
    tables.push(...starts, ...list);
  }
  params.push(...tables);
  dispatch(gpu, {
    name: GATHER_KERNELS.backward,
    key: 'gather-axes:backward',
    wgsl: () => BACKWARD,
    buffers: [dy, dx],
    params,
    groups: groupsFor(totalIn, WG),
  });
  return dx;
}
