// Loads dist/gemm.wasm (compiled from assembly/gemm.ts) without ever making a kernel call async:
//   - Node: compiled synchronously on the first kernel call (`new WebAssembly.Module(readFileSync)`),
//     never at import time, so importing the package has no side effects.
//   - Browsers (or any host without `process.getBuiltinModule`): `ready()` compiles asynchronously;
//     until it resolves, kernels decline (return false) and the caller's JavaScript kernel runs.
// Both paths first check that the engine validates a tiny 128-bit SIMD module.

import { withWeightArena } from './weight-cache.js';

/** The functions and memory gemm.wasm exports (see assembly/index.ts). */
export interface GemmExports {
  readonly memory: WebAssembly.Memory;
  workspaceBytes(): number;
  heapBase(): number;
  sgemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
    work: number,
  ): void;
  sgemmPart(
    transA: number,
    transB: number,
    m0: number,
    m1: number,
    n0: number,
    n1: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
    work: number,
  ): void;
  conv2dPrepare(desc: number): void;
  conv2dPadPart(desc: number, n0: number, n1: number): void;
  conv2dForwardPart(desc: number, u0: number, u1: number, work: number): void;
  conv2dWorkBytes(desc: number): number;
  conv2dBackwardWeightPart(desc: number, u0: number, u1: number, work: number): void;
  conv2dSumSlices(parts: number, n: number, count: number): void;
  maxPool2x2(x: number, planes: number, h: number, w: number, out: number): void;
  binaryRows(op: number, a: number, b: number, out: number, rows: number, cols: number, bStep: number): void;
  binaryScalar(op: number, a: number, s: number, out: number, n: number): void;
  reluF32(x: number, out: number, n: number): void;
  thresholdBackwardF32(x: number, g: number, out: number, n: number, threshold: number): void;
  clampF32(x: number, out: number, n: number, lo: number, hi: number): void;
  sumColsF32(src: number, outer: number, reduced: number, inner: number, acc: number, accumulate: number): void;
  sumRowsF32(src: number, rows: number, cols: number, out: number, accumulate: number): void;
  transpose32(src: number, rows: number, cols: number, c0: number, c1: number, dst: number): void;
  transposeBatch32(src: number, count: number, rows: number, cols: number, dst: number): void;
}

/**
 * What can be handed to {@link ready} instead of the packaged `gemm.wasm`: its URL (a string is
 * resolved against this module's URL), its bytes, or the compiled module.
 *
 * @example
 * ```ts
 * import { type WasmSource, ready } from '@torchlet/kernels';
 * const source: WasmSource = new URL('https://example.com/torchlet/gemm.wasm');
 * typeof ready; // -> 'function'
 * source instanceof URL; // -> true
 * ```
 */
export type WasmSource = URL | string | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

type LoadState = 'idle' | 'loading' | 'ready' | 'unavailable';

let state: LoadState = 'idle';
let gemmExports: GemmExports | null = null;
let failure = '';
let pending: Promise<void> | null = null;
let simd: boolean | undefined;
/** gemm-mt.wasm as a browser's ready() compiled it (Node compiles it synchronously in threads.ts). */
let threaded: WebAssembly.Module | null = null;
let threadedFailure = '';

/**
 * Whether this engine supports WebAssembly 128-bit SIMD: validates a 1-function module that
 * returns `i8x16.popcnt(v128.const 0)` (the probe of the wasm-feature-detect project).
 *
 * @returns `true` when WebAssembly SIMD is available.
 * @example
 * ```ts
 * import { simdSupported } from '@torchlet/kernels';
 * typeof simdSupported(); // -> 'boolean'
 * ```
 */
export function simdSupported(): boolean {
  if (simd === undefined) {
    try {
      simd =
        typeof WebAssembly === 'object' &&
        WebAssembly.validate(
          new Uint8Array([
            0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
            11,
          ]),
        );
    } catch {
      simd = false;
    }
  }
  return simd;
}

interface NodeFs {
  existsSync(path: URL): boolean;
  readFileSync(path: URL): Uint8Array<ArrayBuffer>;
}

/**
 * A Node built-in module (`node:fs`, `node:worker_threads`) reached through
 * `process.getBuiltinModule` (Node >= 20.16) rather than a static import, so browser bundles never
 * see it and importing this package stays free of side effects; null outside Node.
 */
export function nodeBuiltin<T>(id: string): T | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return null;
  return (proc.getBuiltinModule(id) as T | undefined) ?? null;
}

function nodeFs(): NodeFs | null {
  return nodeBuiltin<NodeFs>('node:fs');
}

/** The two modules this package ships in dist/. */
export type PackagedWasm = 'gemm.wasm' | 'gemm-mt.wasm';

/**
 * Where a packaged module lives. Each URL is written as the literal `new URL('./x.wasm',
 * import.meta.url)`, the form bundlers recognise: Vite and webpack 5 emit the file and rewrite the
 * URL with no configuration, Rollup with `@web/rollup-plugin-import-meta-assets`, esbuild with
 * `@chialab/esbuild-plugin-meta-url`. Keep them literal: a computed name makes webpack copy the
 * whole folder (and warn), and Vite and esbuild miss the file.
 */
function packagedUrl(file: PackagedWasm): URL {
  return file === 'gemm.wasm' ? new URL('./gemm.wasm', import.meta.url) : new URL('./gemm-mt.wasm', import.meta.url);
}

/**
 * Where the built module is when this file runs from the package's src/ (tests, through the
 * `@torchlet/source` condition): ../dist/. Computed from a string, not a URL literal, so that no
 * bundler takes it for an asset.
 */
function sourceTreeUrl(file: PackagedWasm): URL | null {
  const here = import.meta.url;
  const src = here.lastIndexOf('/src/');
  return here.endsWith('.ts') && src >= 0 ? new URL(file, `${here.slice(0, src)}/dist/`) : null;
}

function wasmUrls(file: PackagedWasm = 'gemm.wasm'): URL[] {
  const fallback = sourceTreeUrl(file);
  return fallback === null ? [packagedUrl(file)] : [packagedUrl(file), fallback];
}

/** The Node version when running in Node (`process.versions.node`), else null. */
function nodeVersion(): string | null {
  const v = (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node;
  return typeof v === 'string' ? v : null;
}

/**
 * Why this Node cannot run the kernels, or '' when it can: they need `process.getBuiltinModule`
 * (Node 20.16 / 22.3) to reach `node:fs` and `node:worker_threads` without a static import, and
 * the package's `engines` asks for Node ^20.19 or >= 22.12 (where `require()` of these ES modules
 * also works).
 */
export function unsupportedNode(): string {
  const version = nodeVersion();
  if (version === null || nodeFs() !== null) return '';
  return (
    `Node ${version} lacks process.getBuiltinModule (Node >= 20.16): the WebAssembly kernels and ` +
    'worker threads are off and the JavaScript kernels run; use Node ^20.19 or >= 22.12'
  );
}

/**
 * Compiles a packaged module synchronously from disk (Node only). Returns the module, or a string
 * saying why it could not (no SIMD, not Node, file missing, compile error).
 */
export function compilePackagedSync(file: PackagedWasm): WebAssembly.Module | string {
  if (!simdSupported()) return 'this engine does not support WebAssembly SIMD';
  const fs = nodeFs();
  if (fs === null) return unsupportedNode() || 'synchronous loading needs Node (process.getBuiltinModule)';
  const url = wasmUrls(file).find((u) => u.protocol === 'file:' && fs.existsSync(u));
  if (url === undefined) return `${file} not found beside ${import.meta.url} (run the package build)`;
  try {
    return new WebAssembly.Module(fs.readFileSync(url));
  } catch (e) {
    return `${file} failed to compile: ${(e as Error).message}`;
  }
}

function instantiate(module: WebAssembly.Module): void {
  const instance = new WebAssembly.Instance(module, {});
  // heapBase() moves above the packed-weight cache (weight-cache.ts), so kernels' scratch never overlaps it.
  gemmExports = withWeightArena(instance.exports as unknown as GemmExports);
  state = 'ready';
}

function markUnavailable(reason: string): void {
  state = 'unavailable';
  failure = reason;
  gemmExports = null;
}

/** Compiles the packaged module synchronously from disk (Node); leaves `idle` in a browser. */
function loadSync(): void {
  const oldNode = unsupportedNode();
  if (oldNode !== '') {
    markUnavailable(oldNode);
    return;
  }
  if (nodeFs() === null && simdSupported()) return; // a browser: wait for ready()
  const compiled = compilePackagedSync('gemm.wasm');
  if (typeof compiled === 'string') {
    markUnavailable(compiled);
    return;
  }
  try {
    instantiate(compiled);
  } catch (e) {
    markUnavailable(`gemm.wasm failed to instantiate: ${(e as Error).message}`);
  }
}

/**
 * The loaded module's exports, loading it synchronously in Node on the first call; `null` while a
 * browser has not finished {@link ready}, or when WebAssembly SIMD is unavailable.
 */
export function gemmModule(): GemmExports | null {
  if (state === 'idle') loadSync();
  return gemmExports;
}

async function compileFrom(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source as BufferSource);
  // Through a variable: `new URL(variable, import.meta.url)` would make webpack bundle every file
  // next to this one as a possible target (and warn).
  const base = import.meta.url;
  const url = typeof source === 'string' ? new URL(source, base) : source;
  if (url.protocol === 'file:') {
    const fs = nodeFs();
    if (fs === null) throw new Error(unsupportedNode() || `cannot read ${url} outside Node`);
    return WebAssembly.compile(fs.readFileSync(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url} answered ${response.status}${servingHint(url)}`);
  if (typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(response.clone());
    } catch {
      // Served without `Content-Type: application/wasm`: compile from the bytes instead.
    }
  }
  const bytes = await response.arrayBuffer();
  if (!isWasm(bytes)) {
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new Error(`${url} is not a WebAssembly module (${type})${servingHint(url)}`);
  }
  return WebAssembly.compile(bytes);
}

/** Whether the bytes start with WebAssembly's magic number, `\0asm`. */
function isWasm(bytes: ArrayBuffer): boolean {
  const head = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  return head.length === 4 && head[0] === 0 && head[1] === 0x61 && head[2] === 0x73 && head[3] === 0x6d;
}

/**
 * The fix when the packaged URL is not served: a page 404s (or gets its HTML fallback) for
 * gemm.wasm when the bundler did not emit it.
 */
export function servingHint(url: URL): string {
  const packaged = [packagedUrl('gemm.wasm').href, packagedUrl('gemm-mt.wasm').href];
  if (!packaged.includes(url.href)) return '';
  return (
    ": the bundler did not emit @torchlet/kernels' .wasm files. Vite and webpack 5 emit them with no " +
    "configuration (in Vite dev, add optimizeDeps: { exclude: ['@torchlet/kernels'] } if they were " +
    'pre-bundled), Rollup needs @web/rollup-plugin-import-meta-assets, esbuild ' +
    '@chialab/esbuild-plugin-meta-url; or copy node_modules/@torchlet/kernels/dist/*.wasm to your site ' +
    'and pass their URLs to ready(source, { threadedSource })'
  );
}

/**
 * Compiles and instantiates gemm.wasm asynchronously (the first half of `ready()`); resolves once
 * the module is settled, never rejects.
 */
export function loadGemm(source?: WasmSource): Promise<void> {
  if (state === 'ready') return Promise.resolve();
  if (source === undefined && state === 'idle') loadSync();
  const settled = state as LoadState; // loadSync() may have moved it on
  if (settled === 'ready' || (source === undefined && settled === 'unavailable')) return Promise.resolve();
  if (pending !== null) return pending;
  if (!simdSupported()) {
    markUnavailable('this engine does not support WebAssembly SIMD');
    return Promise.resolve();
  }
  state = 'loading';
  pending = (async () => {
    try {
      instantiate(await compileFrom(source ?? packagedUrl('gemm.wasm')));
    } catch (e) {
      markUnavailable(`gemm.wasm failed to load: ${(e as Error).message}`);
    } finally {
      pending = null;
    }
  })();
  return pending;
}

/**
 * Compiles gemm-mt.wasm asynchronously where a browser could run worker threads on it (a
 * cross-origin isolated page with Web Workers and SIMD); a no-op in Node, which compiles it
 * synchronously when the pool starts. Never rejects; a failure is reported through
 * {@link threadedModule}.
 */
export async function loadThreaded(source?: WasmSource): Promise<void> {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (threaded !== null || nodeFs() !== null || !simdSupported()) return;
  if (g.crossOriginIsolated !== true || typeof g.Worker !== 'function') return;
  try {
    threaded = await compileFrom(source ?? packagedUrl('gemm-mt.wasm'));
    threadedFailure = '';
  } catch (e) {
    threadedFailure = `gemm-mt.wasm failed to load: ${(e as Error).message}`;
  }
}

/** The threaded module a browser's `ready()` compiled, the reason it failed, or null before it ran. */
export function threadedModule(): WebAssembly.Module | string | null {
  return threaded ?? (threadedFailure === '' ? null : threadedFailure);
}

/** Why the module is unavailable ('' when it loaded or has not been tried). */
export function loadError(): string {
  return failure;
}
