// Arguments of the wrong kind are refused at the public boundary with a WebGPUError of reason
// 'argument' (named 'TorchletError', with fn and arg), never a raw TypeError from inside a kernel.
import { describe, expect, test } from 'vitest';
import { gpu } from '../test/gpu.js';
import {
  adamStep,
  adaptiveAvgPool2dForward,
  allocate,
  argReduce,
  binary,
  broadcastStrides,
  clamp,
  col2im,
  conv2dForward,
  convTranspose2dForward,
  copyInto,
  crossEntropyForward,
  GpuBuffer,
  GpuContext,
  initWebGPU,
  matmul,
  maxPool2dForward,
  mseLossForward,
  pad2d,
  readback,
  reduce,
  sgdStep,
  softmax,
  upload,
  WebGPUError,
  where,
} from './index.js';

/** What `f` threw, as the fields a caller of TorchletError relies on. */
function thrown(f: () => unknown): { name: string; fn: string; arg: string; reason: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(WebGPUError);
    const w = e as WebGPUError;
    return { name: w.name, fn: w.fn, arg: w.arg, reason: w.reason };
  }
  throw new Error('did not throw');
}

describe('argument checks', () => {
  const x = upload(gpu, new Float32Array([1, 2, 3, 4]));

  test.each([
    ['matmul', () => matmul(5 as never, x, { m: 1, n: 1, k: 1 }), 'a'],
    ['matmul', () => matmul(x, x, null as never), 'options'],
    ['conv2dForward', () => conv2dForward(x, {} as never, null, {} as never), 'weight'],
    ['conv2dForward', () => conv2dForward(null as never, x, null, {} as never), 'x'],
    ['maxPool2dForward', () => maxPool2dForward(undefined as never, {} as never), 'x'],
    ['reduce', () => reduce('constructor' as never, x, [4], 0), 'op'],
    ['reduce', () => reduce('sum', x, 'ab' as never, 0), 'shape'],
    ['binary', () => binary('add', { buffer: x, strides: [1] }, null as never, [4]), 'b'],
    ['binary', () => binary('add', { buffer: x, strides: [1] }, { buffer: x, strides: 1 as never }, [4]), 'b.strides'],
    ['copyInto', () => copyInto({ buffer: 3 as never, strides: [1] }, { buffer: x, strides: [1] }, [4]), 'src.buffer'],
    ['broadcastStrides', () => broadcastStrides(null as never, [2]), 'from'],
    ['allocate', () => allocate({} as never, 4), 'gpu'],
    ['allocate', () => allocate(gpu, Object.create(null) as never), 'length'],
    ['upload', () => upload(undefined as never, new Float32Array(2)), 'gpu'],
    ['GpuContext', () => new GpuContext(undefined as never, {} as never, 0), 'device'],
    ['pad2d', () => pad2d(x, null as never), 'geometry'],
    [
      'pad2d',
      () => pad2d(x, { planes: 1, inH: 2, inW: 2, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0 }, 1 as never),
      'mode',
    ],
    ['adaptiveAvgPool2dForward', () => adaptiveAvgPool2dForward('x' as never, {} as never), 'x'],
    ['col2im', () => col2im(x, { batch: 1 } as never), 'geometry.channels'],
    ['convTranspose2dForward', () => convTranspose2dForward(x, x, null, [] as never), 'geometry.batch'],
    ['argReduce', () => argReduce('argmax', x, [4], Symbol('d') as never), 'dim'],
    ['clamp', () => clamp({ buffer: x, strides: [1] }, [4], '0' as never), 'min'],
    ['where', () => where({ buffer: x, strides: [1] }, 4 as never, { buffer: x, strides: [1] }, [4]), 'a'],
    ['softmax', () => softmax(x, { outer: 1, classes: -1, inner: 1 }), 'shape.classes'],
    ['crossEntropyForward', () => crossEntropyForward(x, x, null as never), 'options'],
    ['mseLossForward', () => mseLossForward(x, x, 'avg' as never), 'reduction'],
    ['sgdStep', () => sgdStep(x, x, null, { lr: Number.NaN }), 'lr'],
    ['adamStep', () => adamStep(x, x, x, x, null, { lr: 0.1, step: 1, beta1: 2n as never }), 'beta1'],
  ])('%s: a bad %s', (fn, f, arg) => {
    expect(thrown(f)).toEqual({ name: 'TorchletError', fn, arg, reason: 'argument' });
  });

  test('Symbols and BigInts in messages do not break the error path', () => {
    expect(() => reduce(Symbol('s') as never, x, [4], 0)).toThrow(/^reduce: unknown op Symbol\(s\); expected one of/);
    expect(() => allocate(gpu, 3n as never)).toThrow('allocate: must be an integer >= 0, got 3n');
  });

  test('asynchronous entry points reject rather than throw', async () => {
    await expect(readback(null as never)).rejects.toMatchObject({ fn: 'readback', arg: 'buffer', reason: 'argument' });
    await expect(readback(x, Array as never)).rejects.toMatchObject({ arg: 'type', reason: 'argument' });
    await expect(initWebGPU(null as never)).rejects.toMatchObject({ arg: 'options', reason: 'argument' });
    await expect(initWebGPU({ gpu: 5 as never })).rejects.toMatchObject({ arg: 'gpu', reason: 'argument' });
    await expect(initWebGPU({ powerPreference: 'fast' as never })).rejects.toMatchObject({ arg: 'powerPreference' });
  });
});

test('a GpuBuffer built by hand is refused before it is registered for collection', () => {
  const buf = upload(gpu, new Float32Array([1]));
  const pool = (buf as unknown as { pool: unknown }).pool;
  const build =
    (...args: unknown[]) =>
    () =>
      new GpuBuffer(...(args as ConstructorParameters<typeof GpuBuffer>));
  expect(thrown(build(buf.owner, buf.buffer, 1, 4, {}))).toMatchObject({
    fn: 'GpuBuffer',
    arg: 'pool',
    reason: 'argument',
  });
  expect(thrown(build(buf.owner, buf.buffer, -1, 4, pool))).toMatchObject({ fn: 'GpuBuffer', arg: 'length' });
  buf.release();
});
