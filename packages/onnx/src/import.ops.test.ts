import { Generator, randn, type Tensor, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { float, floats, int, int64s, ints, modelBytes, type NodeSpec, str, value } from '../test/build.js';
import { runOrt } from '../test/ort.js';
import { importOnnx } from './index.js';
import type { AttributeProto, TensorProto } from './proto/types.js';
import { flatValues } from './tensor-data.js';

// Each operator the importer runs, on one-node (or few-node) graphs, against onnxruntime as the
// reference: the same bytes run in both, across opsets and attributes.

const g = new Generator(11);

interface OpCase {
  readonly name: string;
  readonly nodes: readonly NodeSpec[];
  readonly inputs: readonly number[][];
  readonly initializers?: readonly TensorProto[];
  readonly opset?: number;
  readonly positive?: boolean;
}

function node(op: string, inputs: string[], attrs: AttributeProto[] = [], outputs = ['y']): NodeSpec {
  return { op, inputs, outputs, attrs };
}

const unary = [
  'Abs',
  'Neg',
  'Exp',
  'Relu',
  'Sigmoid',
  'Tanh',
  'Erf',
  'Identity',
  'Softplus',
  'Elu',
  'Floor',
  'Ceil',
].map((op): OpCase => ({ name: op, nodes: [node(op, ['x0'])], inputs: [[2, 3]] }));

const cases: OpCase[] = [
  ...unary,
  {
    name: 'PRelu',
    nodes: [node('PRelu', ['x0', 'x1'])],
    inputs: [
      [2, 3, 2],
      [3, 1],
    ],
  },
  { name: 'Tile', nodes: [node('Tile', ['x0', 'r'])], inputs: [[2, 3]], initializers: [int64s('r', [2, 3])] },
  {
    name: 'Mod (integer shape arithmetic, both signs)',
    nodes: [node('Mod', ['a', 'b'], [], ['m']), node('Cast', ['m'], [int('to', 1)], ['mf']), node('Add', ['mf', 'x0'])],
    inputs: [[4]],
    initializers: [int64s('a', [7, -7, 7, -7]), int64s('b', [3, 3, -3, -3])],
  },
  { name: 'Log', nodes: [node('Log', ['x0'])], inputs: [[2, 3]], positive: true },
  { name: 'Sqrt', nodes: [node('Sqrt', ['x0'])], inputs: [[2, 3]], positive: true },
  { name: 'Reciprocal', nodes: [node('Reciprocal', ['x0'])], inputs: [[2, 3]], positive: true },
  { name: 'Pow', nodes: [node('Pow', ['x0', 'x1'])], inputs: [[2, 3], [3]], positive: true },
  {
    name: 'Add broadcast',
    nodes: [node('Add', ['x0', 'x1'])],
    inputs: [
      [2, 1, 3],
      [4, 1],
    ],
  },
  {
    name: 'Sub',
    nodes: [node('Sub', ['x0', 'x1'])],
    inputs: [
      [2, 3],
      [2, 3],
    ],
  },
  {
    name: 'Mul',
    nodes: [node('Mul', ['x0', 'x1'])],
    inputs: [
      [2, 3],
      [1, 3],
    ],
  },
  {
    name: 'Div',
    nodes: [node('Div', ['x0', 'x1'])],
    inputs: [
      [2, 3],
      [2, 3],
    ],
    positive: true,
  },
  {
    name: 'Max Min Sum Mean',
    nodes: [
      node('Max', ['x0', 'x1'], [], ['a']),
      node('Min', ['a', 'x1'], [], ['b']),
      node('Sum', ['b', 'x0', 'x1'], [], ['c']),
      node('Mean', ['c', 'x0']),
    ],
    inputs: [[2, 3], [3]],
  },
  {
    name: 'MatMul batched',
    nodes: [node('MatMul', ['x0', 'x1'])],
    inputs: [
      [2, 3, 4],
      [4, 5],
    ],
  },
  {
    name: 'Gemm transA',
    nodes: [node('Gemm', ['x0', 'x1', 'x2'], [int('transA', 1), float('beta', 2)])],
    inputs: [[4, 2], [4, 3], [3]],
  },
  { name: 'LeakyRelu', nodes: [node('LeakyRelu', ['x0'], [float('alpha', 0.2)])], inputs: [[2, 5]] },
  {
    name: 'HardSigmoid',
    nodes: [node('HardSigmoid', ['x0'], [float('alpha', 0.3), float('beta', 0.4)])],
    inputs: [[2, 5]],
  },
  { name: 'HardSwish', nodes: [node('HardSwish', ['x0'])], inputs: [[2, 5]], opset: 14 },
  {
    name: 'Clip opset 13',
    nodes: [node('Clip', ['x0', 'lo', 'hi'])],
    inputs: [[2, 5]],
    initializers: [floats('lo', [], [-0.5]), floats('hi', [], [0.7])],
  },
  {
    name: 'Clip opset 13, max only',
    nodes: [node('Clip', ['x0', '', 'hi'])],
    inputs: [[2, 5]],
    initializers: [floats('hi', [], [0.1])],
  },
  {
    name: 'Softmax axis 1 opset 11',
    nodes: [node('Softmax', ['x0'], [int('axis', 1)])],
    inputs: [[2, 3, 4]],
    opset: 11,
  },
  { name: 'LogSoftmax axis 1 opset 13', nodes: [node('LogSoftmax', ['x0'], [int('axis', 1)])], inputs: [[2, 3, 4]] },
  { name: 'Flatten axis 0', nodes: [node('Flatten', ['x0'], [int('axis', 0)])], inputs: [[2, 3, 4]] },
  { name: 'Transpose default perm', nodes: [node('Transpose', ['x0'])], inputs: [[2, 3, 4]] },
  { name: 'Transpose perm', nodes: [node('Transpose', ['x0'], [ints('perm', [1, 2, 0])])], inputs: [[2, 3, 4]] },
  {
    name: 'Reshape 0 and -1',
    nodes: [node('Reshape', ['x0', 's'])],
    inputs: [[2, 3, 4]],
    initializers: [int64s('s', [0, -1])],
  },
  {
    name: 'Squeeze and Unsqueeze opset 13',
    nodes: [node('Unsqueeze', ['x0', 'ax'], [], ['u']), node('Squeeze', ['u', 'ax'])],
    inputs: [[2, 3]],
    initializers: [int64s('ax', [0, 3])],
  },
  {
    name: 'Unsqueeze opset 11 (axes attribute)',
    nodes: [node('Unsqueeze', ['x0'], [ints('axes', [1])])],
    inputs: [[2, 3]],
    opset: 11,
  },
  {
    name: 'Concat',
    nodes: [node('Concat', ['x0', 'x1'], [int('axis', -1)])],
    inputs: [
      [2, 3],
      [2, 2],
    ],
  },
  {
    name: 'Split opset 13',
    nodes: [node('Split', ['x0', 'sp'], [int('axis', 1)], ['y', 'z']), node('Add', ['y', 'y'], [], ['w'])],
    inputs: [[2, 5]],
    initializers: [int64s('sp', [2, 3])],
  },
  {
    name: 'Split opset 11, even',
    nodes: [node('Split', ['x0'], [int('axis', 1)], ['y', 'z'])],
    inputs: [[2, 6]],
    opset: 11,
  },
  {
    name: 'Slice with steps and negative bounds',
    nodes: [node('Slice', ['x0', 'st', 'en', 'ax', 'sp'])],
    inputs: [[4, 6]],
    initializers: [int64s('st', [1, -5]), int64s('en', [100, -1]), int64s('ax', [0, 1]), int64s('sp', [2, 2])],
  },
  {
    name: 'Slice reversed',
    nodes: [node('Slice', ['x0', 'st', 'en', 'ax', 'sp'])],
    inputs: [[4, 6]],
    initializers: [int64s('st', [-1]), int64s('en', [-100]), int64s('ax', [1]), int64s('sp', [-2])],
  },
  {
    name: 'Gather axis 1, 2-d indices',
    nodes: [node('Gather', ['x0', 'ix'], [int('axis', 1)])],
    inputs: [[2, 5]],
    initializers: [{ name: 'ix', dims: [2, 2], data_type: 7, int64_data: [0, -1, 3, 3] }],
  },
  {
    name: 'Gather scalar index',
    nodes: [node('Gather', ['x0', 'ix'], [int('axis', 0)])],
    inputs: [[3, 4]],
    initializers: [{ name: 'ix', dims: [], data_type: 7, int64_data: [2] }],
  },
  { name: 'Expand', nodes: [node('Expand', ['x0', 's'])], inputs: [[3, 1]], initializers: [int64s('s', [2, 3, 4])] },
  {
    name: 'Pad constant opset 13',
    nodes: [node('Pad', ['x0', 'p', 'v'])],
    inputs: [[1, 2, 3]],
    initializers: [int64s('p', [0, 1, 2, 0, 2, 1]), floats('v', [], [1.5])],
  },
  {
    name: 'Pad edge',
    nodes: [node('Pad', ['x0', 'p'], [str('mode', 'edge')])],
    inputs: [[1, 2, 3, 3]],
    initializers: [int64s('p', [0, 0, 1, 2, 0, 0, 2, 1])],
  },
  {
    name: 'Pad opset 2-style attributes (opset 10)',
    nodes: [node('Pad', ['x0'], [ints('pads', [1, 0, 0, 2]), float('value', -1)])],
    inputs: [[2, 3]],
    opset: 10,
  },
  {
    name: 'ReduceMean keepdims 0',
    nodes: [node('ReduceMean', ['x0'], [ints('axes', [1, -1]), int('keepdims', 0)])],
    inputs: [[2, 3, 4]],
  },
  {
    name: 'ReduceSum opset 13 (axes input)',
    nodes: [node('ReduceSum', ['x0', 'ax'])],
    inputs: [[2, 3, 4]],
    initializers: [int64s('ax', [0, 2])],
  },
  {
    name: 'ReduceMax and ReduceMin',
    nodes: [node('ReduceMax', ['x0'], [ints('axes', [1])], ['m']), node('ReduceMin', ['m'], [int('keepdims', 0)])],
    inputs: [[2, 3, 4]],
  },
  {
    name: 'Where, Less, Greater, Not, Equal',
    nodes: [node('Less', ['x0', 'x1'], [], ['lt']), node('Not', ['lt'], [], ['ge']), node('Where', ['ge', 'x0', 'x1'])],
    inputs: [
      [2, 3],
      [2, 3],
    ],
  },
  {
    name: 'ConstantOfShape, Shape, Cast',
    nodes: [
      node('Shape', ['x0'], [], ['s']),
      node('ConstantOfShape', ['s'], [], ['c']),
      node('Cast', ['c'], [int('to', 1)], ['cf']),
      node('Add', ['cf', 'x0']),
    ],
    inputs: [[2, 3]],
  },
  {
    name: 'Range',
    nodes: [
      node('Range', ['a', 'b', 'd'], [], ['r']),
      node('Cast', ['r'], [int('to', 1)], ['rf']),
      node('Mul', ['rf', 'x0']),
    ],
    inputs: [[4]],
    initializers: [
      { name: 'a', dims: [], data_type: 7, int64_data: [1] },
      { name: 'b', dims: [], data_type: 7, int64_data: [9] },
      { name: 'd', dims: [], data_type: 7, int64_data: [2] },
    ],
  },
  {
    name: 'Constant value_floats',
    nodes: [
      node('Constant', [], [{ name: 'value_floats', type: 6, floats: [1, 2, 3] }], ['c']),
      node('Add', ['c', 'x0']),
    ],
    inputs: [[2, 3]],
  },
  {
    name: 'Conv groups, dilation, asymmetric pads',
    nodes: [
      node(
        'Conv',
        ['x0', 'w', 'b'],
        [int('group', 2), ints('dilations', [2, 1]), ints('pads', [1, 0, 2, 1]), ints('strides', [1, 2])],
      ),
    ],
    inputs: [[2, 4, 6, 7]],
    initializers: [
      floats(
        'w',
        [4, 2, 2, 3],
        Array.from({ length: 48 }, (_, i) => Math.sin(i)),
      ),
      floats('b', [4], [0.1, 0.2, 0.3, 0.4]),
    ],
  },
  {
    name: 'Conv auto_pad SAME_LOWER, stride 2',
    nodes: [node('Conv', ['x0', 'w'], [str('auto_pad', 'SAME_LOWER'), ints('strides', [2, 2])])],
    inputs: [[1, 2, 5, 6]],
    initializers: [
      floats(
        'w',
        [3, 2, 2, 2],
        Array.from({ length: 24 }, (_, i) => Math.cos(i)),
      ),
    ],
  },
  {
    name: 'ConvTranspose asymmetric pads',
    nodes: [node('ConvTranspose', ['x0', 'w'], [ints('strides', [2, 2]), ints('pads', [0, 1, 1, 0])])],
    inputs: [[1, 2, 3, 3]],
    initializers: [
      floats(
        'w',
        [2, 3, 3, 3],
        Array.from({ length: 54 }, (_, i) => Math.sin(0.3 * i)),
      ),
    ],
  },
  {
    name: 'MaxPool asymmetric pads',
    nodes: [
      node('MaxPool', ['x0'], [ints('kernel_shape', [3, 3]), ints('pads', [1, 0, 0, 1]), ints('strides', [2, 2])]),
    ],
    inputs: [[1, 2, 6, 6]],
  },
  {
    name: 'MaxPool ceil_mode, dilation',
    nodes: [
      node(
        'MaxPool',
        ['x0'],
        [ints('kernel_shape', [2, 2]), ints('dilations', [2, 2]), int('ceil_mode', 1), ints('strides', [2, 2])],
      ),
    ],
    inputs: [[1, 2, 7, 7]],
  },
  {
    name: 'AveragePool count_include_pad',
    nodes: [
      node(
        'AveragePool',
        ['x0'],
        [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1]), int('count_include_pad', 1)],
      ),
    ],
    inputs: [[1, 2, 5, 5]],
  },
  {
    name: 'AveragePool excluding pads, ceil_mode',
    nodes: [
      node(
        'AveragePool',
        ['x0'],
        [ints('kernel_shape', [2, 2]), ints('strides', [2, 2]), ints('pads', [1, 1, 1, 1]), int('ceil_mode', 1)],
      ),
    ],
    inputs: [[1, 2, 6, 5]],
  },
  { name: 'GlobalMaxPool', nodes: [node('GlobalMaxPool', ['x0'])], inputs: [[2, 3, 4, 5]] },
  {
    name: 'BatchNormalization',
    nodes: [node('BatchNormalization', ['x0', 's', 'b', 'm', 'v'], [float('epsilon', 1e-3)])],
    inputs: [[2, 3, 2, 2]],
    initializers: [
      floats('s', [3], [1, 2, 3]),
      floats('b', [3], [0, 1, -1]),
      floats('m', [3], [0.5, -0.5, 0]),
      floats('v', [3], [1, 2, 0.5]),
    ],
  },
  {
    name: 'LayerNormalization axis -2',
    nodes: [node('LayerNormalization', ['x0', 's', 'b'], [int('axis', -2)])],
    inputs: [[2, 3, 4]],
    initializers: [
      floats(
        's',
        [3, 4],
        Array.from({ length: 12 }, (_, i) => 1 + 0.1 * i),
      ),
      floats(
        'b',
        [3, 4],
        Array.from({ length: 12 }, (_, i) => 0.05 * i),
      ),
    ],
    opset: 17,
  },
  {
    name: 'Resize nearest asymmetric floor (scales)',
    nodes: [
      node(
        'Resize',
        ['x0', '', 'sc'],
        [str('mode', 'nearest'), str('coordinate_transformation_mode', 'asymmetric'), str('nearest_mode', 'floor')],
      ),
    ],
    inputs: [[1, 2, 3, 4]],
    initializers: [floats('sc', [4], [1, 1, 2, 1.5])],
  },
  {
    name: 'Resize linear pytorch_half_pixel (sizes)',
    nodes: [
      node(
        'Resize',
        ['x0', '', '', 'sz'],
        [str('mode', 'linear'), str('coordinate_transformation_mode', 'pytorch_half_pixel')],
      ),
    ],
    inputs: [[1, 2, 3, 4]],
    initializers: [int64s('sz', [1, 2, 5, 7])],
  },
];

describe('importOnnx operators against onnxruntime', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const inputs: Tensor[] = c.inputs.map((s) => {
        const x = randn(s, { generator: g });
        return c.positive ? x.abs().add(0.5) : x;
      });
      const bytes = modelBytes({
        nodes: c.nodes,
        inputs: inputs.map((x, i) => value(`x${i}`, x.shape)),
        outputs: [{ name: 'y' }],
        initializers: c.initializers,
        opset: c.opset ?? 13,
      });
      const [want] = await runOrt(bytes, inputs);
      const got = importOnnx(bytes).forward(...inputs);
      expect(got.shape).toEqual(want.dims);
      const data = flatValues(got.data);
      let worst = 0;
      for (let i = 0; i < want.data.length; i++)
        worst = Math.max(worst, Math.abs(data[i] - want.data[i]) / (1 + Math.abs(want.data[i])));
      expect(worst).toBeLessThan(2e-6);
    });
  }

  it('the reference sees the inputs the importer sees', async () => {
    const bytes = modelBytes({
      nodes: [node('Identity', ['x0'])],
      inputs: [value('x0', [2])],
      outputs: [{ name: 'y' }],
    });
    const [out] = await runOrt(bytes, [tensor([1.5, -2])]);
    expect(Array.from(out.data)).toEqual([1.5, -2]);
  });
});
