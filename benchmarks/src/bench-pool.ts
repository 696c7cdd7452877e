// Pooling workloads: 2x2 max-pool (stride 2) on the ResNet block's activation.

import { maxPool2d } from '@torchlet/ops';
import { fromStorage } from '@torchlet/tensor';
import { fmtShape, NCHW_TO_NHWC, NHWC_TO_NCHW, permuteData, permuteShape, randomData } from './data.js';
import { convOutSize, type Workload } from './harness.js';
import { MAX_POOL } from './shapes.js';
import { tf, tfContenders } from './tfjs.js';
import { torchletContenders } from './torchlet.js';

type Shape4 = [number, number, number, number];

/** The pooling family's workloads. */
export function poolWorkloads(): Workload[] {
  const { kernel, stride } = MAX_POOL;
  const inShape: Shape4 = [...MAX_POOL.input];
  const [n, c, h, w] = inShape;
  const outShape: Shape4 = [n, c, convOutSize(h, kernel, 0, stride), convOutSize(w, kernel, 0, stride)];
  const data = randomData(n * c * h * w, 7);
  const nhwc = permuteData(data, inShape, NCHW_TO_NHWC);
  const inTf = permuteShape(inShape, NCHW_TO_NHWC) as Shape4;
  const outTf = permuteShape(outShape, NCHW_TO_NHWC) as Shape4;
  return [
    {
      family: 'pool',
      name: `max-pool ${kernel}x${kernel} stride ${stride}`,
      shape: `${MAX_POOL.label} ${fmtShape(inShape)}`,
      contenders: [
        ...torchletContenders(() => {
          const x = fromStorage(data, inShape);
          return () => maxPool2d(x, kernel, { stride });
        }),
        ...tfContenders(() => {
          const x = tf.tensor4d(nhwc, inTf);
          return {
            run: () => tf.maxPool(x, kernel, stride, 'valid'),
            toCanonical: (d) => permuteData(d, outTf, NHWC_TO_NCHW),
            inputs: [x],
          };
        }),
      ],
    },
  ];
}
