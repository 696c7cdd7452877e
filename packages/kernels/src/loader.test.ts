import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Each test imports a fresh copy of the package (vi.resetModules) so the loader starts unloaded.
async function freshKernels() {
  vi.resetModules();
  return import('./index.js');
}

const wasmBytes = () => readFileSync(new URL('../dist/gemm.wasm', import.meta.url));
const tiny = () =>
  [
    false,
    false,
    1,
    1,
    2,
    1,
    new Float32Array([1, 2]),
    0,
    2,
    new Float32Array([3, 4]),
    0,
    1,
    0,
    new Float32Array(1),
    0,
    1,
  ] as const;

describe('loading', () => {
  afterEach(() => vi.restoreAllMocks());

  it('has no side effects at import: nothing loads until the first kernel call (Node)', async () => {
    const compile = vi.spyOn(WebAssembly, 'Module');
    const k = await freshKernels();
    expect(compile).not.toHaveBeenCalled();
    const args = tiny();
    expect(k.wasmGemm(...args)).toBe(true);
    // gemm.wasm, plus gemm-mt.wasm for the worker pool when threads are on (the default: every core).
    const modules = k.getThreads() > 1 ? 2 : 1;
    expect(compile).toHaveBeenCalledTimes(modules);
    k.wasmGemm(...args);
    expect(compile).toHaveBeenCalledTimes(modules);
    expect(args[13][0]).toBe(11);
    expect(k.getBackendInfo().wasmLoaded).toBe(true);
  });

  it('ready() resolves at once in Node and the module is then loaded', async () => {
    const k = await freshKernels();
    await k.ready();
    expect(k.getBackendInfo()).toMatchObject({ simd: true, wasmLoaded: true, error: '' });
  });

  it('without synchronous file access (a browser), declines until ready() has compiled the module', async () => {
    const k = await freshKernels();
    // What a browser looks like to the loader: no process.getBuiltinModule.
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
    const args = tiny();
    expect(k.wasmGemm(...args)).toBe(false);
    expect(args[13][0]).toBe(0);
    expect(k.getBackendInfo()).toMatchObject({ wasmLoaded: false, lastKernel: 'js' });
    await k.ready(wasmBytes());
    expect(k.wasmGemm(...args)).toBe(true);
    expect(args[13][0]).toBe(11);
  });

  it('ready() accepts a compiled module', async () => {
    const k = await freshKernels();
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
    await k.ready(new WebAssembly.Module(wasmBytes()));
    expect(k.getBackendInfo().wasmLoaded).toBe(true);
  });

  it('a module that fails to load leaves the JavaScript fallback and says why', async () => {
    const k = await freshKernels();
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
    await k.ready(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]));
    const info = k.getBackendInfo();
    expect(info.wasmLoaded).toBe(false);
    expect(info.error).toMatch(/^gemm\.wasm failed to load: /);
    expect(k.wasmGemm(...tiny())).toBe(false);
  });

  it('detects SIMD support', async () => {
    const k = await freshKernels();
    expect(k.simdSupported()).toBe(true);
    const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const again = await freshKernels();
    expect(again.simdSupported()).toBe(false);
    expect(again.wasmGemm(...tiny())).toBe(false);
    expect(again.getBackendInfo()).toMatchObject({ simd: false, wasmLoaded: false });
    expect(again.getBackendInfo().error).toMatch(/does not support WebAssembly SIMD/);
    expect(validate).toHaveBeenCalled();
  });
});
