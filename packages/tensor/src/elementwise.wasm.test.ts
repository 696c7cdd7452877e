import { getBackendInfo, wasmRelu } from '@torchlet/kernels';
import { afterEach, describe, expect, it } from 'vitest';
import { add, clamp, div, getBackend, maximum, mul, relu, setBackend, sub, type Tensor, tensor } from './index.js';

const ROWS = 300;
const COLS = 256; // 76,800 elements: above the 64K threshold of the WebAssembly path

const SPECIALS = [0, -0, Number.NaN, Infinity, -Infinity, 2 ** -149, -(2 ** -130), 3.4028234663852886e38, 1, -1];

/** Deterministic float32 data with special values sprinkled in. */
function data(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s % 13 === 0 ? SPECIALS[(s >>> 4) % SPECIALS.length] : (s / 2 ** 32) * 8 - 4;
  }
  return x;
}

function f32(x: Float32Array, shape: number[]): Tensor {
  return tensor(x, { shape });
}

/** Makes `getBackendInfo().lastKernel` say 'js' (a declined call), so that a later wasm call shows. */
function resetLastKernel(): void {
  wasmRelu(new Float64Array(0), new Float64Array(0));
  expect(getBackendInfo().lastKernel).toBe('js');
}

/** Runs `f` on the JavaScript backend and on the default one; checks the bits agree and which kernel ran. */
function sameAsJs(f: () => Tensor, wasmExpected: boolean): void {
  const previous = getBackend();
  setBackend('js');
  const js = f();
  setBackend('auto');
  resetLastKernel();
  const fast = f();
  const ran = getBackendInfo().lastKernel;
  setBackend(previous);
  expect(fast.shape).toEqual(js.shape);
  expect(fast.dtype).toBe('float32');
  const a = fast.data;
  const b = js.data;
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) {
    if (!Object.is(a[i], b[i])) throw new Error(`element ${i}: wasm ${a[i]}, js ${b[i]}`);
  }
  if (getBackendInfo().simd) {
    if (wasmExpected) expect(ran).toBe('wasm-simd128-elementwise');
    else expect(ran).toBe('js');
  }
}

describe('float32 elementwise ops through WebAssembly SIMD equal setBackend("js") bit for bit', () => {
  const previous = getBackend();
  afterEach(() => setBackend(previous));
  const x = f32(data(ROWS * COLS, 1), [ROWS, COLS]);
  const y = f32(data(ROWS * COLS, 2), [ROWS, COLS]);
  const bias = f32(data(COLS, 3), [COLS]);

  it('dense operands of one shape', () => {
    for (const op of [add, sub, mul, div, maximum]) sameAsJs(() => op(x, y), true);
  });

  it('a tensor and a scalar, in either order for the ops that commute', () => {
    sameAsJs(() => add(x, 0.5), true);
    sameAsJs(() => mul(x, -3.25), true);
    sameAsJs(() => div(x, 0), true);
    sameAsJs(() => maximum(0, x), true);
    sameAsJs(() => mul(Number.NaN, x), true);
    sameAsJs(() => sub(2.5, x), false); // sub does not commute: the JavaScript loop runs
  });

  it('rows and one broadcast row (the bias add), in either order for the ops that commute', () => {
    sameAsJs(() => add(x, bias), true);
    sameAsJs(() => sub(x, bias), true);
    sameAsJs(() => maximum(bias, x), true);
    sameAsJs(() => mul(bias.reshape([1, COLS]), x), true);
    sameAsJs(() => div(bias, x), false);
  });

  it('dense views at an offset, and non-contiguous inputs (JavaScript loop)', () => {
    const xs = x.narrow(0, 7, 280);
    const ys = y.narrow(0, 3, 280);
    sameAsJs(() => add(xs, ys), true);
    sameAsJs(() => relu(xs), true);
    sameAsJs(() => mul(x.transpose(0, 1), y.transpose(0, 1)), false);
    sameAsJs(() => relu(x.transpose(0, 1)), false);
  });

  it('relu, keeping NaN and turning -0 into +0', () => {
    sameAsJs(() => relu(x), true);
    const out = relu(f32(new Float32Array(ROWS * COLS).fill(-0), [ROWS, COLS]));
    expect(Object.is(out.data[0], 0)).toBe(true);
  });

  it('clamp (ReLU6 and one-sided bounds), dense views at an offset; transposes stay in JavaScript', () => {
    sameAsJs(() => clamp(x, 0, 6), true);
    sameAsJs(() => clamp(x, -1.5, null), true);
    sameAsJs(() => clamp(x, null, 0), true);
    sameAsJs(() => clamp(x, 2, -2), true); // min > max: every element is max
    sameAsJs(() => clamp(x.narrow(0, 5, 290), 0, 6), true);
    sameAsJs(() => clamp(x.transpose(0, 1), 0, 6), false);
  });

  it('runs relu and clamp in WebAssembly from a few hundred elements (their JavaScript rows branch)', () => {
    const small = f32(data(1000, 5), [10, 100]);
    sameAsJs(() => relu(small), true);
    sameAsJs(() => clamp(small, 0, 6), true);
    const tiny = f32(data(100, 6), [100]);
    sameAsJs(() => relu(tiny), false);
  });

  it('stays in JavaScript below the threshold and under setBackend("js")', () => {
    const small = f32(data(1000, 4), [1000]);
    sameAsJs(() => add(small, small), false);
    setBackend('js');
    resetLastKernel();
    add(x, y);
    relu(x);
    expect(getBackendInfo().lastKernel).toBe('js');
  });
});
