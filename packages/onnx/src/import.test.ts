import { variable } from '@torchlet/autograd';
import { TorchletError, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { float, floats, int, int64s, ints, modelBytes, str, value } from '../test/build.js';
import { importOnnx, OnnxModel, supportedOnnxOps } from './index.js';

// Operators and errors on small hand-built graphs; values checked by hand.

const relu = (name = 'r') => ({ op: 'Relu', name, inputs: ['x'], outputs: ['y'] });

describe('importOnnx: operators', () => {
  it('runs a graph and names its inputs and outputs', () => {
    const m = importOnnx(
      modelBytes({ nodes: [relu()], inputs: [value('x', [null, 2])], outputs: [value('y', [null, 2])] }),
    );
    expect(m.inputs).toEqual([{ name: 'x', type: 'FLOAT', shape: [null, 2] }]);
    expect(
      m
        .forward(
          tensor([
            [-1, 2],
            [3, -4],
          ]),
        )
        .toArray(),
    ).toEqual([
      [0, 2],
      [3, 0],
    ]);
    expect(m.toString()).toBe('OnnxModel(inputs=(x: [?,2]), outputs=(y: [?,2]), opset=13, nodes=1)');
  });

  it('Gemm with transB, alpha and beta; its parameters train', () => {
    const m = importOnnx(
      modelBytes({
        nodes: [
          {
            op: 'Gemm',
            inputs: ['x', 'fc.weight', 'fc.bias'],
            outputs: ['y'],
            attrs: [int('transB', 1), float('alpha', 2), float('beta', 0.5)],
          },
        ],
        inputs: [value('x', [1, 2])],
        outputs: [value('y', [1, 1])],
        initializers: [floats('fc.weight', [1, 2], [1, 2]), floats('fc.bias', [1], [4])],
      }),
    );
    const y = m.forward(tensor([[1, 1]]));
    expect(y.toArray()).toEqual([[2 * 3 + 0.5 * 4]]);
    y.sum().backward();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['fc.weight', 'fc.bias']);
    expect(m.namedParameters()[0][1].grad?.toArray()).toEqual([[2, 2]]);
    expect(Object.keys(m.stateDict())).toEqual(['fc.weight', 'fc.bias']);
  });

  it('asymmetric Conv pads, auto_pad SAME_UPPER and Pad in reflect mode', () => {
    const w = floats('w', [1, 1, 2, 2], [1, 1, 1, 1]);
    const x = tensor([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ]);
    const asym = importOnnx(
      modelBytes({
        nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: [ints('pads', [0, 0, 1, 1])] }],
        inputs: [value('x', [1, 1, 2, 2])],
        outputs: [value('y', [1, 1, 2, 2])],
        initializers: [w],
      }),
    );
    expect(asym.forward(x).toArray()).toEqual([
      [
        [
          [10, 6],
          [7, 4],
        ],
      ],
    ]);
    const same = importOnnx(
      modelBytes({
        nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: [str('auto_pad', 'SAME_UPPER')] }],
        inputs: [value('x', [1, 1, 2, 2])],
        outputs: [value('y', [1, 1, 2, 2])],
        initializers: [w],
      }),
    );
    expect(same.forward(x).toArray()).toEqual([
      [
        [
          [10, 6],
          [7, 4],
        ],
      ],
    ]);
    const padded = importOnnx(
      modelBytes({
        nodes: [{ op: 'Pad', inputs: ['x', 'p'], outputs: ['y'], attrs: [str('mode', 'reflect')] }],
        inputs: [value('x', [1, 3])],
        outputs: [value('y', [1, 5])],
        initializers: [int64s('p', [0, 1, 0, 1])],
      }),
    );
    expect(padded.forward(tensor([[1, 2, 3]])).toArray()).toEqual([[2, 1, 2, 3, 2]]);
  });

  it('Shape -> Gather -> Unsqueeze -> Concat -> Reshape follows the batch at run time', () => {
    const m = importOnnx(
      modelBytes({
        nodes: [
          { op: 'Shape', inputs: ['x'], outputs: ['s'] },
          { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attrs: [int('axis', 0)] },
          { op: 'Unsqueeze', inputs: ['n', 'axes'], outputs: ['n1'] },
          { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['shape'], attrs: [int('axis', 0)] },
          { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] },
        ],
        inputs: [value('x', [null, 2, 2])],
        outputs: [value('y', [null, 4])],
        initializers: [
          { name: 'zero', dims: [], data_type: 7, int64_data: [0] },
          int64s('axes', [0]),
          int64s('minus1', [-1]),
        ],
      }),
    );
    expect(
      m.forward(
        tensor([
          [
            [1, 2],
            [3, 4],
          ],
        ]),
      ).shape,
    ).toEqual([1, 4]);
    expect(
      m.forward(
        tensor([
          [
            [1, 2],
            [3, 4],
          ],
          [
            [5, 6],
            [7, 8],
          ],
          [
            [0, 0],
            [0, 0],
          ],
        ]),
      ).shape,
    ).toEqual([3, 4]);
  });

  it('Softmax at opset 11 (2-d coercion) and 13 (one axis) differ as the spec says', () => {
    const x = tensor([
      [
        [0, 0],
        [0, Math.log(3)],
      ],
    ]);
    const at = (opset: number) =>
      importOnnx(
        modelBytes({
          nodes: [{ op: 'Softmax', inputs: ['x'], outputs: ['y'], attrs: [int('axis', 1)] }],
          inputs: [value('x', [1, 2, 2])],
          outputs: [value('y', [1, 2, 2])],
          opset,
        }),
      );
    const v13 = at(13).forward(x).toArray() as number[][][];
    expect(v13[0][0][1]).toBeCloseTo(0.25, 6);
    const v11 = at(11).forward(x).toArray() as number[][][];
    expect(v11[0][1][1]).toBeCloseTo(3 / 6, 6);
  });

  it('lists its operators', () => {
    const ops = supportedOnnxOps();
    for (const op of [
      'Conv',
      'ConvTranspose',
      'Gemm',
      'MatMul',
      'BatchNormalization',
      'Clip',
      'Softmax',
      'LogSoftmax',
      'GlobalAveragePool',
      'Pad',
      'Shape',
      'Gather',
    ])
      expect(ops).toContain(op);
  });

  it('reads an ArrayBuffer (what fetch gives in a page)', () => {
    const bytes = modelBytes({ nodes: [relu()], inputs: [value('x', [2])], outputs: [value('y', [2])] });
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    expect(
      importOnnx(buffer)
        .forward(tensor([-1, 2]))
        .toArray(),
    ).toEqual([0, 2]);
  });

  it('accepts a Variable input and keeps its graph', () => {
    const m = importOnnx(modelBytes({ nodes: [relu()], inputs: [value('x', [2])], outputs: [value('y', [2])] }));
    const x = variable(tensor([-1, 2]), { requiresGrad: true });
    m.forward(x).sum().backward();
    expect(x.grad?.toArray()).toEqual([0, 1]);
  });
});

describe('new OnnxModel(bytes) is importOnnx(bytes)', () => {
  const bytes = modelBytes({
    nodes: [{ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['y'] }],
    inputs: [value('x', [2])],
    outputs: [value('y', [2])],
  });
  it('reads the same model', () => {
    const model = new OnnxModel(bytes);
    expect(model.inputs).toEqual(importOnnx(bytes).inputs);
    expect(model.forward(tensor([-1, 2])).toArray()).toEqual([0, 2]);
  });
  it('bad arguments are TorchletErrors, not raw TypeErrors', () => {
    const make =
      (...args: unknown[]) =>
      () =>
        new (OnnxModel as new (...a: unknown[]) => OnnxModel)(...args);
    for (const [f, message] of [
      [make(), /importOnnx: expected a Uint8Array, got undefined/],
      [make(null, {}), /importOnnx: expected a Uint8Array, got null/],
      [make(bytes, null), /importOnnx: expected an options object, got null/],
      [make(bytes, { externalData: 5 }), /options.externalData/],
      [make(bytes, { maxElements: 3n }), /expected a positive integer, got 3n/],
    ] as const) {
      expect(f).toThrow(TorchletError);
      expect(f).toThrow(message);
    }
  });
});

describe('importOnnx: errors name the node and the problem', () => {
  const cases: [string, Parameters<typeof modelBytes>[0], RegExp][] = [
    [
      'an unsupported operator',
      {
        nodes: [{ op: 'FancyOp', name: 'fancy', inputs: ['x'], outputs: ['y'] }],
        inputs: [value('x', [1])],
        outputs: [value('y', [1])],
      },
      /node 'fancy' \(FancyOp\): unsupported operator/,
    ],
    [
      'another domain',
      {
        nodes: [{ op: 'Relu', name: 'r', domain: 'com.example', inputs: ['x'], outputs: ['y'] }],
        inputs: [value('x', [1])],
        outputs: [value('y', [1])],
      },
      /node 'r' \(Relu\): unsupported operator in domain 'com.example'/,
    ],
    [
      'a cycle',
      {
        nodes: [
          { op: 'Add', name: 'a', inputs: ['x', 'b_out'], outputs: ['a_out'] },
          { op: 'Relu', name: 'b', inputs: ['a_out'], outputs: ['b_out'] },
        ],
        inputs: [value('x', [1])],
        outputs: [value('b_out', [1])],
      },
      /cycle through node 'a' \(Add\)/,
    ],
    [
      'a dangling input',
      {
        nodes: [{ op: 'Add', name: 'a', inputs: ['x', 'nowhere'], outputs: ['y'] }],
        inputs: [value('x', [1])],
        outputs: [value('y', [1])],
      },
      /node 'a' \(Add\) reads 'nowhere', which no node, initializer or graph input produces/,
    ],
    [
      'a value written twice',
      { nodes: [relu('r1'), relu('r2')], inputs: [value('x', [1])], outputs: [value('y', [1])] },
      /node 'r2' \(Relu\) writes 'y', which node 'r1' \(Relu\) also writes/,
    ],
    [
      'an output nothing produces',
      { nodes: [relu()], inputs: [value('x', [1])], outputs: [value('z', [1])] },
      /graph output 'z' is produced by no node/,
    ],
    [
      'absurd initializer dimensions',
      {
        nodes: [relu()],
        inputs: [value('x', [1])],
        outputs: [value('y', [1])],
        initializers: [{ name: 'big', dims: [100000, 100000, 100000], data_type: 1 }],
      },
      /initializer 'big' has absurd dimensions \[100000,100000,100000\]/,
    ],
    [
      'an absurd input dimension',
      { nodes: [relu()], inputs: [value('x', [2 ** 40])], outputs: [value('y', [1])] },
      /graph value 'x' has absurd dimensions/,
    ],
    [
      'data shorter than its dims',
      {
        nodes: [relu()],
        inputs: [value('x', [1])],
        outputs: [value('y', [1])],
        initializers: [{ name: 'w', dims: [4], data_type: 1, raw_data: new Uint8Array(8) }],
      },
      /initializer 'w' declares \[4\] FLOAT \(16 bytes\) but holds 8 bytes/,
    ],
    [
      'missing external data',
      {
        nodes: [relu()],
        inputs: [value('x', [1])],
        outputs: [value('y', [1])],
        initializers: [
          {
            name: 'w',
            dims: [2],
            data_type: 1,
            data_location: 1,
            external_data: [{ key: 'location', value: 'w.bin' }],
          },
        ],
      },
      /initializer 'w' stores its data in the external file 'w.bin', which is missing/,
    ],
    [
      'an absurd ConstantOfShape',
      {
        nodes: [
          { op: 'ConstantOfShape', name: 'c', inputs: ['s'], outputs: ['z'] },
          { op: 'Add', inputs: ['x', 'z'], outputs: ['y'] },
        ],
        inputs: [value('x', [1])],
        outputs: [value('y', [1])],
        initializers: [int64s('s', [1 << 20, 1 << 20])],
      },
      /node 'c' \(ConstantOfShape\): the output shape \[1048576,1048576\] is absurdly large/,
    ],
    [
      'an unsupported opset',
      { nodes: [relu()], inputs: [value('x', [1])], outputs: [value('y', [1])], opset: 99 },
      /default-domain opset 99 is not supported/,
    ],
  ];
  for (const [name, spec, message] of cases) {
    it(name, () => {
      let error: unknown;
      try {
        importOnnx(modelBytes(spec));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TorchletError);
      expect((error as Error).message).toMatch(/^importOnnx: /);
      expect((error as Error).message).toMatch(message);
    });
  }

  it('reads external data when given, and checks its range', () => {
    const bytes = modelBytes({
      nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
      inputs: [value('x', [2])],
      outputs: [value('y', [2])],
      initializers: [
        {
          name: 'w',
          dims: [2],
          data_type: 1,
          data_location: 1,
          external_data: [
            { key: 'location', value: 'w.bin' },
            { key: 'offset', value: '4' },
          ],
        },
      ],
    });
    const file = new Uint8Array(new Float32Array([9, 1, 2]).buffer);
    expect(
      importOnnx(bytes, { externalData: { 'w.bin': file } })
        .forward(tensor([1, 1]))
        .toArray(),
    ).toEqual([2, 3]);
    expect(() => importOnnx(bytes, { externalData: { 'w.bin': file.subarray(0, 8) } })).toThrow(
      /reads bytes \[4, 12\) of external file 'w.bin', which has 8 bytes/,
    );
  });

  it('rejects bad forward inputs by name and shape', () => {
    const m = importOnnx(
      modelBytes({ nodes: [relu()], inputs: [value('x', [null, 2])], outputs: [value('y', [null, 2])] }),
    );
    expect(() => m.forward(tensor([1, 2]))).toThrow(/input 'x' should have shape \[\?,2\], got \[2\]/);
    expect(() => m.forward()).toThrow(/takes 1 inputs \(x\), got 0/);
  });

  it('names the node when an operator rejects its operands at run time', () => {
    const m = importOnnx(
      modelBytes({
        nodes: [{ op: 'Reshape', name: 'flat', inputs: ['x', 's'], outputs: ['y'] }],
        inputs: [value('x', [null, 3])],
        outputs: [value('y', [null])],
        initializers: [int64s('s', [4])],
      }),
    );
    expect(() => m.forward(tensor([[1, 2, 3]]))).toThrow(/node 'flat' \(Reshape\)/);
  });

  it('rejects bytes that are not a model', () => {
    expect(() => importOnnx(new Uint8Array(0))).toThrow(/the file is empty/);
    expect(() => importOnnx('model.onnx' as unknown as Uint8Array)).toThrow(/expected a Uint8Array, got string/);
    expect(() => importOnnx(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]))).toThrow(/not a valid ONNX protobuf/);
    expect(() => importOnnx(new Uint8Array([0x08, 0x08]))).toThrow(/the model has no graph/);
  });
});
