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

const nodeVersions = Object.getOwnPropertyDescriptor(process, 'versions') as PropertyDescriptor;

/** What a browser looks like to the loader: no process.getBuiltinModule and no process.versions.node. */
function asBrowser(): void {
  vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
  Object.defineProperty(process, 'versions', { ...nodeVersions, value: { ...process.versions, node: undefined } });
}

/** What Node before 20.16 looks like: process.versions.node but no process.getBuiltinModule. */
function asOldNode(version: string): void {
  vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
  Object.defineProperty(process, 'versions', { ...nodeVersions, value: { ...process.versions, node: version } });
}

describe('loading', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    Object.defineProperty(process, 'versions', nodeVersions);
  });

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
    asBrowser();
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
    asBrowser();
    await k.ready(new WebAssembly.Module(wasmBytes()));
    expect(k.getBackendInfo().wasmLoaded).toBe(true);
  });

  it('a module that fails to load leaves the JavaScript fallback and says why', async () => {
    const k = await freshKernels();
    asBrowser();
    await k.ready(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]));
    const info = k.getBackendInfo();
    expect(info.wasmLoaded).toBe(false);
    expect(info.error).toMatch(/^gemm\.wasm failed to load: /);
    expect(k.wasmGemm(...tiny())).toBe(false);
  });

  it('Node without process.getBuiltinModule (before 20.16) says so and which Node to use, and falls back', async () => {
    const k = await freshKernels();
    asOldNode('20.15.1');
    expect(k.wasmGemm(...tiny())).toBe(false);
    await k.ready();
    const info = k.getBackendInfo();
    expect(info.wasmLoaded).toBe(false);
    expect(info.error).toMatch(/^Node 20\.15\.1 lacks process\.getBuiltinModule .*use Node \^20\.19 or >= 22\.12/);
  });

  it('a page whose bundler did not emit gemm.wasm gets the reason and the fix', async () => {
    const { servingHint } = await import('./loader.js');
    // The packaged URL (beside the loader, as a bundler would have to serve it) gets the fix...
    expect(servingHint(new URL('./gemm-mt.wasm', import.meta.url))).toMatch(
      /did not emit .*Vite .*optimizeDeps.*Rollup needs @web\/rollup-plugin-import-meta-assets, esbuild @chialab\/esbuild-plugin-meta-url/,
    );
    // ...a URL the caller chose does not.
    expect(servingHint(new URL('https://example.com/gemm.wasm'))).toBe('');
    const k = await freshKernels();
    const html = new Response('<!doctype html><title>app</title>', { headers: { 'content-type': 'text/html' } });
    vi.spyOn(globalThis, 'fetch').mockResolvedValueOnce(html);
    asBrowser();
    await k.ready(new URL('https://example.com/elsewhere/gemm.wasm'));
    expect(k.getBackendInfo().error).toBe(
      'gemm.wasm failed to load: https://example.com/elsewhere/gemm.wasm is not a WebAssembly module (text/html)',
    );
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
