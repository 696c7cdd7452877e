// The onnxruntime-web contenders: `ort-wasm-1t` runs on a runtime of its own with a pool of one
// thread (a worker thread; the in-process runtime's pool has every core and ignores a session's
// intraOpNumThreads), and both contenders compute the same convolution.

import { describe, expect, it, vi } from 'vitest';
import { randomData } from '../src/data.js';
import { onnxModel } from '../src/onnx-model.js';
import { ortContenders, ortOneThreadPool, ortOneThreadWorkerRunning, ortPoolThreads } from '../src/ort.js';

/** A 3x3 conv, [1,4,9,9] -> [1,5,9,9], pad 1, as an ONNX model and its input. */
function convCase() {
  const inShape = [1, 4, 9, 9];
  const w = randomData(5 * 4 * 9, 3);
  const model = onnxModel(
    inShape,
    [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } }],
    [{ name: 'w', dims: [5, 4, 3, 3], data: w }],
  );
  const input = randomData(4 * 81, 4);
  return { model, input, inShape, w };
}

/** The same conv in float64. */
function reference(x: Float32Array, w: Float32Array): Float64Array {
  const out = new Float64Array(5 * 81);
  for (let o = 0; o < 5; o++)
    for (let i = 0; i < 9; i++)
      for (let j = 0; j < 9; j++) {
        let s = 0;
        for (let c = 0; c < 4; c++)
          for (let a = 0; a < 3; a++)
            for (let b = 0; b < 3; b++) {
              const y = i + a - 1;
              const z = j + b - 1;
              if (y >= 0 && y < 9 && z >= 0 && z < 9) s += x[c * 81 + y * 9 + z] * w[((o * 4 + c) * 3 + a) * 3 + b];
            }
        out[o * 81 + i * 9 + j] = s;
      }
  return out;
}

describe('onnxruntime-web contenders', () => {
  it('ort-wasm-1t runs on a runtime whose pool is one thread; ort-wasm on every core', async () => {
    expect(await ortOneThreadPool()).toBe(1);
    const [one, all] = ortContenders(convCase);
    expect(one.name).toBe('ort-wasm-1t');
    expect(one.threads?.()).toBe(1);
    expect(all.name).toBe('ort-wasm');
    expect(all.threads?.()).toBe(ortPoolThreads());
  });

  it('both compute the convolution, through run and runMany', async () => {
    const c = convCase();
    const expected = reference(c.input, c.w);
    for (const contender of ortContenders(() => c)) {
      const p = await contender.prepare();
      await p.run();
      if (p.runMany) await p.runMany(3);
      const out = await p.output?.();
      expect(out).toBeDefined();
      let diff = 0;
      for (let i = 0; i < expected.length; i++) diff = Math.max(diff, Math.abs((out?.[i] ?? Number.NaN) - expected[i]));
      expect(diff).toBeLessThan(1e-4);
      p.dispose?.();
    }
  });

  it("the 1-thread worker is sent copies: the caller's arrays, Node Buffers included, stay usable", async () => {
    const c = convCase();
    // A Buffer's slice() is a view of the same memory: transferring it would detach the caller's.
    const model = Buffer.from(c.model);
    const [one] = ortContenders(() => ({ ...c, model }));
    const p = await one.prepare();
    expect(model.byteLength).toBe(c.model.byteLength);
    expect(model.buffer.byteLength).toBeGreaterThan(0);
    expect(c.input.length).toBe(4 * 81);
    expect(c.input.buffer.byteLength).toBe(4 * 4 * 81);
    p.dispose?.();
  });

  it('the worker ends when its last session is released, so a benchmark process can exit', async () => {
    const [one] = ortContenders(convCase);
    const a = await one.prepare();
    const b = await one.prepare();
    expect(ortOneThreadWorkerRunning()).toBe(true);
    a.dispose?.();
    await Promise.resolve(a.run()).catch(() => undefined); // a's session is gone; b's keeps the worker
    await b.run();
    expect(ortOneThreadWorkerRunning()).toBe(true);
    b.dispose?.();
    await vi.waitFor(() => expect(ortOneThreadWorkerRunning()).toBe(false), { timeout: 5000 });
    // and a new contender starts a fresh one
    const c = await one.prepare();
    await c.run();
    c.dispose?.();
    await vi.waitFor(() => expect(ortOneThreadWorkerRunning()).toBe(false), { timeout: 5000 });
  });
});
