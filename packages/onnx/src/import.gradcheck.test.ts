import { gradcheck, type Variable } from '@torchlet/autograd';
import { Generator, randn } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { float, int, int64s, ints, modelBytes, type NodeSpec, str, value } from '../test/build.js';
import { importOnnx } from './index.js';
import type { TensorProto } from './proto/types.js';

// Imported graphs train: the gradient of each operator written as a composite of autograd's
// functions (softmax family, normalisations, Erf, the hard activations, asymmetric padding, Resize,
// Gather, reversed Slice) matches central finite differences in float64, for the input and for the
// initializers (parameters).

const g = new Generator(5);

function doubles(name: string, dims: number[]): TensorProto {
  const n = dims.reduce((p, s) => p * s, 1);
  return {
    name,
    dims,
    data_type: 11,
    double_data: Array.from({ length: n }, (_, i) => 0.5 + 0.3 * Math.sin(1.7 * i + 0.4)),
  };
}

const cases: { name: string; nodes: NodeSpec[]; shape: number[]; initializers?: TensorProto[]; opset?: number }[] = [
  {
    name: 'Softmax',
    nodes: [{ op: 'Softmax', inputs: ['x'], outputs: ['y'], attrs: [int('axis', 1)] }],
    shape: [2, 3, 2],
  },
  {
    name: 'Softmax (opset 11, 2-d coercion)',
    nodes: [{ op: 'Softmax', inputs: ['x'], outputs: ['y'], attrs: [int('axis', 1)] }],
    shape: [2, 3, 2],
    opset: 11,
  },
  { name: 'LogSoftmax', nodes: [{ op: 'LogSoftmax', inputs: ['x'], outputs: ['y'] }], shape: [2, 4] },
  { name: 'Erf', nodes: [{ op: 'Erf', inputs: ['x'], outputs: ['y'] }], shape: [3, 4] },
  { name: 'HardSwish', nodes: [{ op: 'HardSwish', inputs: ['x'], outputs: ['y'] }], shape: [3, 4], opset: 14 },
  { name: 'Softplus', nodes: [{ op: 'Softplus', inputs: ['x'], outputs: ['y'] }], shape: [3, 4] },
  { name: 'Elu', nodes: [{ op: 'Elu', inputs: ['x'], outputs: ['y'], attrs: [float('alpha', 0.7)] }], shape: [3, 4] },
  {
    name: 'LayerNormalization',
    nodes: [{ op: 'LayerNormalization', inputs: ['x', 's', 'b'], outputs: ['y'], attrs: [int('axis', -1)] }],
    shape: [2, 3, 4],
    initializers: [doubles('s', [4]), doubles('b', [4])],
    opset: 17,
  },
  {
    name: 'BatchNormalization',
    nodes: [{ op: 'BatchNormalization', inputs: ['x', 's', 'b', 'm', 'v'], outputs: ['y'] }],
    shape: [2, 3, 2, 2],
    initializers: [doubles('s', [3]), doubles('b', [3]), doubles('m', [3]), doubles('v', [3])],
  },
  {
    name: 'Conv with asymmetric pads, Gemm',
    nodes: [
      {
        op: 'Conv',
        inputs: ['x', 'w', 'cb'],
        outputs: ['c'],
        attrs: [ints('pads', [1, 0, 0, 1]), ints('strides', [2, 1])],
      },
      { op: 'Flatten', inputs: ['c'], outputs: ['f'] },
      { op: 'Gemm', inputs: ['f', 'fc', 'fb'], outputs: ['y'], attrs: [int('transB', 1)] },
    ],
    shape: [1, 2, 4, 3],
    initializers: [doubles('w', [2, 2, 2, 2]), doubles('cb', [2]), doubles('fc', [3, 12]), doubles('fb', [3])],
  },
  {
    name: 'MaxPool and AveragePool with asymmetric pads',
    nodes: [
      {
        op: 'MaxPool',
        inputs: ['x'],
        outputs: ['m'],
        attrs: [ints('kernel_shape', [2, 2]), ints('pads', [1, 0, 0, 1])],
      },
      {
        op: 'AveragePool',
        inputs: ['m'],
        outputs: ['y'],
        attrs: [ints('kernel_shape', [2, 2]), ints('pads', [0, 1, 1, 0]), int('count_include_pad', 1)],
      },
    ],
    shape: [1, 2, 4, 4],
  },
  {
    name: 'ConvTranspose with asymmetric pads',
    nodes: [
      {
        op: 'ConvTranspose',
        inputs: ['x', 'w'],
        outputs: ['y'],
        attrs: [ints('strides', [2, 2]), ints('pads', [1, 0, 0, 1])],
      },
    ],
    shape: [1, 2, 2, 3],
    initializers: [doubles('w', [2, 1, 3, 3])],
  },
  {
    name: 'Resize bilinear',
    nodes: [
      {
        op: 'Resize',
        inputs: ['x', '', '', 'sz'],
        outputs: ['y'],
        attrs: [str('mode', 'linear'), str('coordinate_transformation_mode', 'pytorch_half_pixel')],
      },
    ],
    shape: [1, 1, 2, 3],
    initializers: [int64s('sz', [1, 1, 3, 5])],
  },
  {
    name: 'Gather, reversed Slice, Pad reflect, Concat',
    nodes: [
      { op: 'Gather', inputs: ['x', 'ix'], outputs: ['gx'], attrs: [int('axis', 1)] },
      { op: 'Slice', inputs: ['x', 'st', 'en', 'ax', 'sp'], outputs: ['sx'] },
      { op: 'Pad', inputs: ['sx', 'p'], outputs: ['px'], attrs: [str('mode', 'reflect')] },
      { op: 'Concat', inputs: ['gx', 'px'], outputs: ['y'], attrs: [int('axis', 1)] },
    ],
    shape: [2, 4],
    initializers: [
      { name: 'ix', dims: [3], data_type: 7, int64_data: [3, 0, 3] },
      int64s('st', [-1]),
      int64s('en', [-100]),
      int64s('ax', [1]),
      int64s('sp', [-2]),
      int64s('p', [0, 1, 0, 1]),
    ],
  },
];

describe('imported operators: gradients against finite differences', () => {
  for (const c of cases) {
    it(c.name, () => {
      const model = importOnnx(
        modelBytes({
          nodes: c.nodes,
          inputs: [value('x', c.shape, 11)],
          outputs: [{ name: 'y' }],
          initializers: c.initializers,
          opset: c.opset ?? 13,
        }),
      );
      const x = randn(c.shape, { generator: g, dtype: 'float64' });
      // The input: autograd's gradcheck, the full Jacobian.
      expect(gradcheck((input: Variable) => model.forward(input), [x]).ok).toBe(true);
      // The parameters: d/dθ sum(r * y) by backward, against central differences in place.
      if (model.parameters().length === 0) return;
      const y0 = model.forward(x);
      const r = randn([...y0.shape], { generator: g, dtype: 'float64' });
      const loss = (): number => model.forward(x).data.mul(r).sum().item();
      model.zeroGrad();
      model.forward(x).mul(r).sum().backward();
      for (const p of model.parameters()) {
        const grad = p.grad?.contiguous();
        expect(grad).toBeDefined();
        const data = p.data;
        const flat = data.reshape([-1]);
        for (let i = 0; i < flat.numel; i++) {
          const v = flat.get([i]).item();
          const eps = 1e-6;
          flat.set([i], v + eps);
          const up = loss();
          flat.set([i], v - eps);
          const down = loss();
          flat.set([i], v);
          const numeric = (up - down) / (2 * eps);
          const analytic = Number(grad?.data[(grad?.offset ?? 0) + i]);
          expect(Math.abs(analytic - numeric)).toBeLessThan(1e-5 + 1e-4 * Math.abs(numeric));
        }
      }
    });
  }
});
