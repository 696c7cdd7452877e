import { fromStorage, TorchletError, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm2d } from '../layers/batchnorm.js';
import { loadSafetensors, readSafetensorsHeader } from './load.js';
import { saveSafetensors } from './save.js';

/** Builds a file by hand from the format's spec: u64 LE header length, JSON header, raw data. */
function handBuilt(header: string, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function f32le(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (const [i, v] of values.entries()) view.setFloat32(i * 4, v, true);
  return out;
}

describe('saveSafetensors / loadSafetensors', () => {
  it('round-trips every dtype bit-exactly, keeping names, order and shapes', () => {
    const weird = new Float32Array([Number.NaN, -0, Number.POSITIVE_INFINITY, 1e-45, 3.4e38, -1.5]);
    const dict = {
      'features.0.weight': fromStorage(weird, [1, 1, 2, 3]),
      'features.0.bias': tensor(new Float64Array([Math.PI, -Number.MIN_VALUE])),
      'bn.num_batches_tracked': tensor(new Int32Array([7])),
      mask: tensor([true, false, true]),
      empty: tensor(new Float32Array(0), { shape: [0, 3] }),
    };
    const loaded = loadSafetensors(saveSafetensors(dict, { format: 'pt' }));
    expect(Object.keys(loaded)).toEqual(Object.keys(dict));
    for (const [k, t] of Object.entries(dict)) {
      expect(loaded[k].shape).toEqual(t.shape);
      expect(loaded[k].dtype).toBe(t.dtype);
      const a = new Uint8Array(t.toTypedArray().buffer);
      const b = new Uint8Array(loaded[k].toTypedArray().buffer);
      expect(Array.from(b)).toEqual(Array.from(a));
    }
  });

  it('writes the documented layout: u64 LE length, space-padded JSON header, LE data', () => {
    const bytes = saveSafetensors({ w: tensor([[1, -1]]) }, { format: 'pt' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header).toEqual({
      __metadata__: { format: 'pt' },
      w: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] },
    });
    expect(Array.from(bytes.subarray(8 + headerLength))).toEqual(Array.from(f32le([1, -1])));
  });

  it('writes non-contiguous views in row-major order', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const transposed = fromStorage(t.data, [3, 2], { strides: [1, 3] });
    expect(loadSafetensors(saveSafetensors({ t: transposed })).t.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it('loads a file laid out as PyTorch writes it (hand-built from the spec)', () => {
    // What safetensors.torch.save({"conv.weight": w, "conv.bias": b}) produces: entries sorted by
    // dtype then name, offsets relative to the data section, header padded with spaces.
    const header =
      '{"conv.bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"conv.weight":{"dtype":"F32","shape":[2,1,1,2],"data_offsets":[8,24]},"__metadata__":{"format":"pt"}}  ';
    const data = f32le([0.5, -0.25, 1, -1, 2, -2]);
    const dict = loadSafetensors(handBuilt(header, data));
    expect(dict['conv.weight'].toArray()).toEqual([[[[1, -1]]], [[[2, -2]]]]);
    expect(dict['conv.bias'].toArray()).toEqual([0.5, -0.25]);
    expect(readSafetensorsHeader(handBuilt(header, data)).metadata).toEqual({ format: 'pt' });
  });

  it('reads I64 as int64 (exact) and F16/BF16 as float32', () => {
    const i64 = new Uint8Array(16);
    new DataView(i64.buffer).setBigInt64(0, 2n ** 62n + 5n, true);
    new DataView(i64.buffer).setBigInt64(8, -3n, true);
    const half = new Uint8Array([0x00, 0x3c, 0x00, 0xc0]); // 1.0, -2.0 in IEEE half
    const bf16 = new Uint8Array([0x80, 0x3f, 0x40, 0xc0]); // 1.0, -3.0 in bfloat16
    const header = JSON.stringify({
      n: { dtype: 'I64', shape: [2], data_offsets: [0, 16] },
      h: { dtype: 'F16', shape: [2], data_offsets: [16, 20] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [20, 24] },
    });
    const dict = loadSafetensors(handBuilt(header, new Uint8Array([...i64, ...half, ...bf16])));
    expect(dict.n.dtype).toBe('int64');
    expect(Array.from(dict.n.toTypedArray() as BigInt64Array)).toEqual([2n ** 62n + 5n, -3n]);
    expect(dict.h.toArray()).toEqual([1, -2]);
    expect(dict.b.toArray()).toEqual([1, -3]);
  });
});

describe('loadSafetensors rejects malformed files with a clear error', () => {
  const valid = (header: object, data: Uint8Array) => handBuilt(JSON.stringify(header), data);
  const cases: [string, Uint8Array, RegExp][] = [
    ['truncated length', new Uint8Array(5), /truncated: 5 bytes/],
    ['header past the end', handBuilt('{}', new Uint8Array(0)).subarray(0, 9), /runs past the end of the file/],
    [
      'oversized header length',
      (() => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setBigUint64(0, 2n ** 60n, true);
        return b;
      })(),
      /exceeds the 100 MB limit/,
    ],
    ['not JSON', handBuilt('{nope', new Uint8Array(0)), /not valid JSON/],
    ['not an object', handBuilt('[1,2]', new Uint8Array(0)), /must start with '\{'|not a JSON object/],
    [
      'unknown dtype',
      valid({ w: { dtype: 'F8', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)),
      /unsupported dtype "F8"/,
    ],
    [
      'offsets out of range',
      valid({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)),
      /run past the data section/,
    ],
    [
      'overlapping tensors',
      valid(
        {
          a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
          b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        },
        new Uint8Array(8),
      ),
      /overlaps the previous tensor/,
    ],
    [
      'a gap',
      valid({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)),
      /leaves a gap of 4 bytes/,
    ],
    [
      'trailing bytes',
      valid({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)),
      /cover 4 bytes but the data section has 8/,
    ],
    [
      'shape vs bytes',
      valid({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(16)),
      /needs 12 bytes but data_offsets span 8/,
    ],
    [
      'huge shape',
      valid({ a: { dtype: 'F64', shape: [2 ** 26, 2 ** 26], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /needs more bytes than the file holds/,
    ],
    [
      'negative size',
      valid({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)),
      /invalid shape \[-1\]/,
    ],
  ];
  it.each(cases)('%s', (_label, bytes, message) => {
    expect(() => loadSafetensors(bytes)).toThrowError(TorchletError);
    expect(() => loadSafetensors(bytes)).toThrowError(message);
  });
});

describe('safetensors hardening (issue 18)', () => {
  it("a tensor named '__proto__' is a key like any other, both ways", () => {
    const dict = Object.fromEntries([
      ['__proto__', tensor([1, 2])],
      ['constructor', tensor([3])],
    ]);
    const loaded = loadSafetensors(saveSafetensors(dict));
    expect(Object.keys(loaded)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(loaded)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(loaded, '__proto__')?.value.toArray()).toEqual([1, 2]);
    expect(Object.getOwnPropertyDescriptor(loaded, 'constructor')?.value.toArray()).toEqual([3]);
    const header = handBuilt(
      '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"__metadata__":{"__proto__":"x"}}',
      f32le([5]),
    );
    expect(Object.keys(loadSafetensors(header))).toEqual(['__proto__']);
    expect(Object.keys(readSafetensorsHeader(header).tensors)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(readSafetensorsHeader(header).metadata, '__proto__')?.value).toBe('x');
  });

  it('loads an empty [2, 0] tensor, alone or among others', () => {
    const alone = loadSafetensors(saveSafetensors({ e: tensor([]).reshape([2, 0]) }));
    expect(alone.e.shape).toEqual([2, 0]);
    const mixed = loadSafetensors(saveSafetensors({ a: tensor([1]), e: tensor([]).reshape([0, 3]), b: tensor([2]) }));
    expect(mixed.e.shape).toEqual([0, 3]);
    expect(mixed.b.toArray()).toEqual([2]);
  });

  it('reads a header with many entries, in file order', () => {
    const dict: Record<string, ReturnType<typeof tensor>> = {};
    for (let i = 0; i < 20_000; i++) dict[`layer.${i}.bias`] = tensor([i]);
    const loaded = loadSafetensors(saveSafetensors(dict));
    expect(Object.keys(loaded).length).toBe(20_000);
    expect(Object.keys(loaded)[12345]).toBe('layer.12345.bias');
    expect(loaded['layer.19999.bias'].toArray()).toEqual([19999]);
  });

  it('rejects a non-Uint8Array with a TorchletError', () => {
    expect(() => loadSafetensors(5 as unknown as Uint8Array)).toThrowError(
      'loadSafetensors: expected a Uint8Array, got 5',
    );
    expect(() => readSafetensorsHeader(null as unknown as Uint8Array)).toThrowError(TorchletError);
  });
});

describe('int64 in safetensors (issue 18)', () => {
  it('BatchNorm state dicts save num_batches_tracked as I64, as PyTorch, and load it back exactly', () => {
    const bn = new BatchNorm2d(2);
    bn.train();
    bn.forward(tensor([1, 2, 3, 4, 5, 6, 7, 8], { shape: [2, 2, 2, 1] }));
    const bytes = saveSafetensors(bn.stateDict());
    expect(readSafetensorsHeader(bytes).tensors.num_batches_tracked).toEqual({ dtype: 'I64', shape: [] });
    const back = loadSafetensors(bytes);
    expect(back.num_batches_tracked.dtype).toBe('int64');
    expect(back.num_batches_tracked.item()).toBe(1);
    const copy = new BatchNorm2d(2);
    copy.loadStateDict(back);
    expect(copy.numBatchesTracked.dtype).toBe('int64');
    expect(copy.numBatchesTracked.item()).toBe(1);
  });
  it('round-trips int64 values beyond 2^53 bit-exactly', () => {
    const values = new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, 0n]);
    const back = loadSafetensors(saveSafetensors({ v: tensor(values) }));
    expect(Array.from(back.v.toTypedArray() as BigInt64Array)).toEqual(Array.from(values));
  });
});
