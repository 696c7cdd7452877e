// Matrix products on the webgpu device: @torchlet/webgpu's tiled kernel reads row-major or
// transposed operands with a batch stride; other layouts (and broadcast batches) are copied first.
import { type GpuBuffer, matmul } from '@torchlet/webgpu';
import { fail, formatShape } from '../errors.js';
import { broadcastShapes, shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkSameDevice, gpuUnary } from './gpu-elementwise.js';

/** A batch of matrices as the kernel reads it. */
interface MatrixOperand {
  readonly buffer: GpuBuffer;
  readonly offset: number;
  readonly trans: boolean;
  readonly batchStride: number;
  readonly copied: boolean;
}

/** `x` (`[...batch, r, c]`) read as `batchShape` matrices, in place when its layout allows. */
function matrixOperand(x: Tensor, batchShape: readonly number[]): MatrixOperand {
  const nd = x.ndim;
  const r = x.shape[nd - 2];
  const c = x.shape[nd - 1];
  const sr = x.strides[nd - 2];
  const sc = x.strides[nd - 1];
  const rowMajor = (c <= 1 || sc === 1) && (r <= 1 || sr === c);
  const colMajor = (r <= 1 || sr === 1) && (c <= 1 || sc === r);
  const ownBatch = x.shape.slice(0, nd - 2);
  let batchStride: number | null = null;
  if (shapeSize(ownBatch) === 1) batchStride = 0;
  else if (ownBatch.length === batchShape.length && ownBatch.every((s, i) => s === batchShape[i])) {
    // The batch dimensions must step by whole matrices, row-major.
    let expected = r * c;
    batchStride = expected;
    for (let d = ownBatch.length - 1; d >= 0 && batchStride !== null; d--) {
      if (ownBatch[d] === 1) continue;
      if (x.strides[d] !== expected) batchStride = null;
      expected *= ownBatch[d];
    }
  }
  if ((rowMajor || colMajor) && batchStride !== null) {
    return { buffer: x.gpuBuffer as GpuBuffer, offset: x.offset, trans: !rowMajor, batchStride, copied: false };
  }
  const dense = gpuUnary('copy', x.expand([...batchShape, r, c]));
  return { buffer: dense.gpuBuffer as GpuBuffer, offset: 0, trans: false, batchStride: r * c, copied: true };
}

/**
 * `matmul(a, b)` with PyTorch's rules (1-D promotion, broadcast batch dimensions) on the webgpu
 * device, float32, accumulating in float32.
 */
export function gpuMatmul(fn: string, a: Tensor, b: Tensor): Tensor {
  checkSameDevice(fn, { input: a, other: b });
  if (a.device === 'cpu' || b.device === 'cpu') {
    fail(
      fn,
      a.device === 'cpu' ? 'input' : 'other',
      'Expected all tensors to be on the same device, but found at least two devices, webgpu and cpu',
    );
  }
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    fail(fn, 'input', `only float32 products run on the webgpu device, got ${a.dtype} and ${b.dtype}`);
  }
  const a2 = a.ndim === 1 ? a.unsqueeze(0) : a;
  const b2 = b.ndim === 1 ? b.unsqueeze(1) : b;
  const m = a2.shape[a2.ndim - 2];
  const k = a2.shape[a2.ndim - 1];
  const n = b2.shape[b2.ndim - 1];
  if (b2.shape[b2.ndim - 2] !== k) {
    fail(fn, '', `mat1 and mat2 shapes cannot be multiplied (${formatShape(a.shape)} and ${formatShape(b.shape)})`);
  }
  const batchShape = broadcastShapes(fn, a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  const A = matrixOperand(a2, batchShape);
  const B = matrixOperand(b2, batchShape);
  const out = matmul(A.buffer, B.buffer, {
    m,
    n,
    k,
    batch: shapeSize(batchShape),
    transA: A.trans,
    transB: B.trans,
    aBatchStride: A.batchStride,
    bBatchStride: B.batchStride,
    aOffset: A.offset,
    bOffset: B.offset,
  });
  if (A.copied) A.buffer.release();
  if (B.copied) B.buffer.release();
  const shape = [...batchShape, m, n];
  if (b.ndim === 1) shape.splice(shape.length - 1, 1);
  if (a.ndim === 1) shape.splice(shape.length - (b.ndim === 1 ? 1 : 2), 1);
  return new Tensor(out, shape, undefined, 0, 'float32');
}
