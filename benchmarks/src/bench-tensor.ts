// Tensor-core workloads: broadcast add, sum over a dim, matmul, and the strided contiguous() copy.

import { add, contiguous, fromStorage, matmul, sum } from '@torchlet/tensor';
import { fmtShape, randomData } from './data.js';
import { matmulFlops, type Workload } from './harness.js';
import { ADD_BROADCAST, CONTIGUOUS_TRANSPOSED, MATMUL_SIZES, SUM_DIM } from './shapes.js';
import { tf, tfContenders } from './tfjs.js';
import { torchletContenders } from './torchlet.js';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The tensor family's workloads. */
export function tensorWorkloads(): Workload[] {
  const workloads: Workload[] = [];

  {
    const { a, b } = ADD_BROADCAST;
    const aData = randomData(size(a), 11);
    const bData = randomData(size(b), 12);
    workloads.push({
      family: 'tensor',
      name: 'add (broadcast)',
      shape: `${fmtShape(a)} + ${fmtShape(b)}`,
      contenders: [
        ...torchletContenders(() => {
          const x = fromStorage(aData, a);
          const y = fromStorage(bData, b);
          return () => add(x, y);
        }),
        ...tfContenders(() => {
          const x = tf.tensor(aData, [...a]);
          const y = tf.tensor(bData, [...b]);
          return { run: () => tf.add(x, y), inputs: [x, y] };
        }),
      ],
    });
  }

  for (const dim of SUM_DIM.dims) {
    const { shape } = SUM_DIM;
    const data = randomData(size(shape), 20 + dim);
    workloads.push({
      family: 'tensor',
      name: `sum (dim ${dim})`,
      shape: fmtShape(shape),
      contenders: [
        ...torchletContenders(() => {
          const x = fromStorage(data, shape);
          return () => sum(x, dim);
        }),
        ...tfContenders(() => {
          const x = tf.tensor(data, [...shape]);
          return { run: () => tf.sum(x, dim), inputs: [x] };
        }),
      ],
    });
  }

  for (const n of MATMUL_SIZES) {
    const aData = randomData(n * n, 30 + n);
    const bData = randomData(n * n, 31 + n);
    workloads.push({
      family: 'tensor',
      name: 'matmul',
      shape: `[${n},${n}] @ [${n},${n}]`,
      flops: matmulFlops(n, n, n),
      contenders: [
        ...torchletContenders(() => {
          const x = fromStorage(aData, [n, n]);
          const y = fromStorage(bData, [n, n]);
          return () => matmul(x, y);
        }),
        ...tfContenders(() => {
          const x = tf.tensor(aData, [n, n]);
          const y = tf.tensor(bData, [n, n]);
          return { run: () => tf.matMul(x, y), inputs: [x, y] };
        }),
      ],
    });
  }

  {
    const [r, c] = CONTIGUOUS_TRANSPOSED.shape;
    const data = randomData(r * c, 40);
    workloads.push({
      family: 'tensor',
      name: 'contiguous (transposed)',
      shape: `${fmtShape([r, c])}.t()`,
      contenders: [
        ...torchletContenders(() => {
          // The transposed view built directly from strides, so only contiguous() is timed.
          const xt = fromStorage(data, [c, r], { strides: [1, c] });
          return () => contiguous(xt);
        }),
        // tfjs has no strided views: its transpose is the materialising copy.
        ...tfContenders(() => {
          const x = tf.tensor(data, [r, c]);
          return { run: () => tf.transpose(x), inputs: [x] };
        }),
      ],
    });
  }

  return workloads;
}
