// A strided copy into part of an existing buffer: the one kernel behind cat, stack, constant
// padding and slice assignment (each is copies of views into views of one output).
import { checkShape, checkStridedOperand } from './arguments.js';
import type { GpuContext } from './context.js';
import { checkBuffers, dispatch, groupsFor, paramsBinding } from './dispatch.js';
import type { StridedOperand } from './elementwise.js';
import { argumentError, checkCount } from './errors.js';

const WORKGROUP = 64;

/** Parameters: [n, rank, srcOffset, dstOffset, shape..., src strides..., dst strides...]. */
const COPY_WGSL = `@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
${paramsBinding(2)}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = gid.y * ng.x * ${WORKGROUP}u + gid.x;
  if (i >= P[0]) { return; }
  let rank = P[1];
  var s = P[2];
  var d = P[3];
  var rem = i;
  for (var k = i32(rank) - 1; k >= 0; k--) {
    let size = P[4u + u32(k)];
    let c = rem % size;
    rem = rem / size;
    s += c * P[4u + rank + u32(k)];
    d += c * P[4u + 2u * rank + u32(k)];
  }
  dst[d] = src[s];
}`;

/** The last element a view of `shape` reaches. */
function lastElement(view: StridedOperand, shape: readonly number[]): number {
  return shape.reduce((at, size, d) => at + (size - 1) * view.strides[d], view.offset ?? 0);
}

/**
 * Copies the view `src` of `shape` into the view `dst` of the same shape, in place (queued like a
 * kernel). `dst` must be another buffer than `src`, and its view may not write one element twice
 * (no stride 0 over a dimension longer than 1). `cat` is one copy per input into a slice of the
 * output; `pad` a fill and one copy into the interior. Kernel: `'webgpu-copy-strided'`.
 *
 * @param src - The view to read: a buffer, an element offset and strides (one per dimension of `shape`).
 * @param dst - The view to write, of the same element type.
 * @param shape - The shape both views are read and written in.
 * @example
 * ```ts
 * import { allocate, copyInto, initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * // cat([a, b], dim 1) of two [2, 1] columns into a [2, 2] matrix.
 * const a = upload(gpu, new Float32Array([1, 2]));
 * const b = upload(gpu, new Float32Array([3, 4]));
 * const out = allocate(gpu, 4);
 * copyInto({ buffer: a, strides: [1, 1] }, { buffer: out, strides: [2, 1] }, [2, 1]);
 * copyInto({ buffer: b, strides: [1, 1] }, { buffer: out, offset: 1, strides: [2, 1] }, [2, 1]);
 * Array.from(await readback(out)); // -> [1, 3, 2, 4]
 * ```
 */
export function copyInto(src: StridedOperand, dst: StridedOperand, shape: readonly number[]): void {
  const fn = 'copyInto';
  checkStridedOperand(fn, 'src', src);
  checkStridedOperand(fn, 'dst', dst);
  checkShape(fn, 'shape', shape);
  const gpu = src.buffer.owner as GpuContext;
  checkBuffers(fn, gpu, { src: src.buffer, dst: dst.buffer });
  if (src.buffer === dst.buffer)
    argumentError(fn, 'dst', 'must be another buffer than src (WebGPU cannot read and write one buffer in a kernel)');
  let n = 1;
  for (const [d, size] of shape.entries()) {
    checkCount(fn, `shape[${d}]`, size);
    n *= size;
  }
  for (const [arg, view] of [
    ['src', src],
    ['dst', dst],
  ] as const) {
    if (view.strides.length !== shape.length) {
      argumentError(
        fn,
        arg,
        `has ${view.strides.length} strides for a copy of rank ${shape.length} ([${shape.join(',')}])`,
      );
    }
    checkCount(fn, `${arg}.offset`, view.offset ?? 0);
    for (const [d, s] of view.strides.entries()) checkCount(fn, `${arg}.strides[${d}]`, s);
    if (n > 0 && lastElement(view, shape) >= view.buffer.length) {
      argumentError(
        fn,
        arg,
        `strides [${view.strides.join(',')}] from offset ${view.offset ?? 0} over shape [${shape.join(',')}] reach element ${lastElement(view, shape)}, but the buffer holds ${view.buffer.length}`,
      );
    }
  }
  if (dst.strides.some((s, d) => s === 0 && shape[d] > 1)) {
    argumentError(fn, 'dst', `strides [${dst.strides.join(',')}] write some elements more than once`);
  }
  if (n === 0) return;
  dispatch(gpu, {
    name: 'webgpu-copy-strided',
    key: 'copy-into',
    wgsl: () => COPY_WGSL,
    buffers: [src.buffer, dst.buffer],
    params: [n, shape.length, src.offset ?? 0, dst.offset ?? 0, ...shape, ...src.strides, ...dst.strides],
    groups: groupsFor(n, WORKGROUP),
  });
}
