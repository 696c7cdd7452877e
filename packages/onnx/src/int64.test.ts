import { add, to, type Variable } from '@torchlet/autograd';
import { Module, type ModuleInput } from '@torchlet/nn';
import { rand, type Tensor, tensor } from '@torchlet/tensor';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { int, ints, modelBytes, value } from '../test/build.js';
import { exportOnnx, importOnnx } from './index.js';
import { decodeModel } from './proto/codec.js';
import type { TensorProto } from './proto/types.js';

// ONNX's INT64 is torchlet's int64, both ways: values a user can see (initializers, Shape, Cast,
// graph outputs) keep their type and every bit, as onnxruntime and PyTorch give them.

const INT64 = 7;
const UINT32 = 12;

/** Little-endian int64 raw_data. */
function int64Raw(name: string, values: readonly bigint[]): TensorProto {
  const raw = new Uint8Array(8 * values.length);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => {
    view.setBigInt64(8 * i, v, true);
  });
  return { name, dims: [values.length], data_type: INT64, raw_data: raw };
}

/** The graph's outputs in onnxruntime, fed float32 `x`. */
async function ortRun(bytes: Uint8Array, x: Tensor): Promise<ort.Tensor[]> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', x.toTypedArray() as Float32Array, [...x.shape]) };
  const out = await session.run(feeds);
  return session.outputNames.map((n) => out[n]);
}

const big = [2n ** 60n + 3n, -5n, 2n ** 53n + 1n, -(2n ** 63n)];

describe('importOnnx: INT64 is int64', () => {
  const x = tensor([
    [1.75, -2.5, 3],
    [0.5, -0.25, 7],
  ]);
  const bytes = modelBytes({
    nodes: [
      { op: 'Identity', inputs: ['ix'], outputs: ['ids'] },
      { op: 'Shape', inputs: ['x'], outputs: ['shape'] },
      { op: 'Cast', inputs: ['x'], outputs: ['cast'], attrs: [int('to', INT64)] },
      { op: 'Constant', inputs: [], outputs: ['k'], attrs: [{ name: 'value_ints', type: 7, ints: [4, -1] }] },
      { op: 'Identity', inputs: ['u'], outputs: ['wide'] },
    ],
    inputs: [value('x', [2, 3])],
    outputs: [
      value('ids', [4], INT64),
      value('shape', [2], INT64),
      value('cast', [2, 3], INT64),
      value('k', [2], INT64),
      value('wide', [2], INT64),
    ],
    initializers: [int64Raw('ix', big), { name: 'u', dims: [2], data_type: UINT32, uint64_data: [4e9, 7] }],
  });

  it('keeps initializers, Shape, Cast and integer Constants int64, every bit as onnxruntime', async () => {
    const got = importOnnx(bytes).run(x);
    expect(got.map((v) => v.dtype)).toEqual(['int64', 'int64', 'int64', 'int64', 'int64']);
    expect(Array.from(got[0].data.toTypedArray() as BigInt64Array)).toEqual(big);
    expect(got[1].toArray()).toEqual([2, 3]);
    // Truncation toward zero, as onnxruntime's and PyTorch's casts.
    expect(got[2].toArray()).toEqual([
      [1, -2, 3],
      [0, 0, 7],
    ]);
    expect(got[3].toArray()).toEqual([4, -1]);
    // UINT32 beyond the int32 range is held exactly (it used to saturate at 2^31 - 1).
    expect(got[4].toArray()).toEqual([4e9, 7]);
    const want = await ortRun(
      // onnxruntime has no UINT32 Identity kernel: compare the first four outputs.
      modelBytes({
        nodes: [
          { op: 'Identity', inputs: ['ix'], outputs: ['ids'] },
          { op: 'Shape', inputs: ['x'], outputs: ['shape'] },
          { op: 'Cast', inputs: ['x'], outputs: ['cast'], attrs: [int('to', INT64)] },
          { op: 'Constant', inputs: [], outputs: ['k'], attrs: [{ name: 'value_ints', type: 7, ints: [4, -1] }] },
        ],
        inputs: [value('x', [2, 3])],
        outputs: [
          value('ids', [4], INT64),
          value('shape', [2], INT64),
          value('cast', [2, 3], INT64),
          value('k', [2], INT64),
        ],
        initializers: [int64Raw('ix', big)],
      }),
      x,
    );
    want.forEach((w, i) => {
      expect(w.type).toBe('int64');
      expect(Array.from(got[i].data.toTypedArray() as BigInt64Array)).toEqual(Array.from(w.data as BigInt64Array));
    });
  });

  it('prints an int64 output as PyTorch prints a LongTensor', () => {
    expect(importOnnx(bytes).run(x)[2].data.toString()).toBe('tensor([[ 1, -2,  3],\n        [ 0,  0,  7]])');
  });
});

describe("importOnnx: MaxPool's Indices output is int64, as onnxruntime's", () => {
  const cases: { name: string; attrs: ReturnType<typeof ints>[]; shape: number[] }[] = [
    { name: '2x2 stride 2', attrs: [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])], shape: [2, 3, 6, 5] },
    {
      name: '3x3 stride 2, pads 1, ceil mode',
      attrs: [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), ints('pads', [1, 1, 1, 1]), int('ceil_mode', 1)],
      shape: [2, 2, 7, 6],
    },
    {
      name: '2x3 dilated',
      attrs: [ints('kernel_shape', [2, 3]), ints('dilations', [2, 1]), ints('strides', [1, 2])],
      shape: [1, 3, 6, 7],
    },
  ];
  it.each(cases)('$name', async ({ attrs, shape }) => {
    const bytes = modelBytes({
      nodes: [{ op: 'MaxPool', inputs: ['x'], outputs: ['y', 'i'], attrs }],
      inputs: [value('x', shape)],
      outputs: [value('y', [null, null, null, null]), value('i', [null, null, null, null], INT64)],
      opset: 12,
    });
    const x = rand(shape);
    const [values, indices] = importOnnx(bytes).run(x);
    expect(indices.dtype).toBe('int64');
    const [wantValues, wantIndices] = await ortRun(bytes, x);
    expect(wantIndices.type).toBe('int64');
    expect(indices.shape).toEqual([...wantIndices.dims]);
    expect(Array.from(indices.data.toTypedArray() as BigInt64Array)).toEqual(
      Array.from(wantIndices.data as BigInt64Array),
    );
    expect(Array.from(values.data.toTypedArray() as Float32Array)).toEqual(Array.from(wantValues.data as Float32Array));
  });

  it('names the Indices output with asymmetric pads as unsupported', () => {
    const bytes = modelBytes({
      nodes: [
        {
          op: 'MaxPool',
          inputs: ['x'],
          outputs: ['y', 'i'],
          attrs: [ints('kernel_shape', [2, 2]), ints('pads', [0, 0, 1, 1])],
        },
      ],
      inputs: [value('x', [1, 1, 4, 4])],
      outputs: [value('y', [1, 1, 4, 4]), value('i', [1, 1, 4, 4], INT64)],
    });
    expect(() => importOnnx(bytes).run(rand([1, 1, 4, 4]))).toThrow(/the Indices output needs symmetric pads/);
  });
});

describe('exportOnnx: int64 tensors are written as INT64', () => {
  /** Casts to int64 and adds an int64 constant beyond 2^53 (captured as an initializer). */
  class Offset extends Module {
    readonly offset = tensor([2n ** 60n, -3n, 7n]);
    forward(x: ModuleInput): Variable {
      return add(to(x, 'int64'), this.offset);
    }
  }

  it('round-trips through onnxruntime and importOnnx with int64 values and types', async () => {
    const x = tensor([1, -2, 30]);
    const m = new Offset();
    const want = m.forward(x).data;
    expect(want.dtype).toBe('int64');
    const bytes = exportOnnx(m, [x]);
    const model = decodeModel('test', bytes);
    expect(model.graph?.output?.[0].type?.tensor_type?.elem_type).toBe(INT64);
    expect(model.graph?.initializer?.map((t) => t.data_type)).toEqual([INT64]);
    const [fromOrt] = await ortRun(bytes, x);
    expect(fromOrt.type).toBe('int64');
    expect(Array.from(fromOrt.data as BigInt64Array)).toEqual(Array.from(want.toTypedArray() as BigInt64Array));
    const back = importOnnx(bytes).forward(x).data;
    expect(back.dtype).toBe('int64');
    expect(Array.from(back.toTypedArray() as BigInt64Array)).toEqual([2n ** 60n + 1n, -5n, 37n]);
  });
});
