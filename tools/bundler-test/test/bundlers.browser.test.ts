// The packed @torchlet/tensor and @torchlet/kernels, installed with npm into an empty app as a user
// would, built by Vite (build and dev server), esbuild, webpack 5 and Rollup, and loaded in
// Chromium with and without cross-origin isolation. The app (app/main.js) only calls
// `await ready()`: every bundler must find gemm.wasm and gemm-mt.wasm through the loader's literal
// `new URL('./x.wasm', import.meta.url)`, emit them and nothing else of the package, and print no
// warning. Isolated pages run the product on two WebAssembly threads, others on one.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { createLogger, createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack } from '../../../test/lib/packaging.ts';
import { findChromium } from '../../ci/chromium.mjs';
import { ISOLATION_HEADERS, serveStatic } from './serve.ts';

const root = join(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'torchlet-bundlers-'));
const appDir = join(scratch, 'app');
const out = (name: string) => join(scratch, 'out', name);

interface PageResult {
  isolated: boolean;
  corner: number;
  wasmLoaded: boolean;
  threadsActive: number;
  lastKernel: string;
  error: string;
}

/** Every file under `dir`, relative to it. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

const warnings: Record<string, string[]> = { 'vite dev': [] };

/** Builds the app with `bundler` in a child process (build.mjs) and records its warnings. */
function buildWith(bundler: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(import.meta.dirname, '..', 'build.mjs'), bundler, appDir, out(bundler)],
      { cwd: join(import.meta.dirname, '..'), maxBuffer: 1 << 26 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${bundler} build failed: ${stderr}`));
        warnings[bundler] = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]');
        resolve();
      },
    );
  });
}

let browser: Browser;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@torchlet/tensor...', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'pipe',
  });
  const tarballs = join(scratch, 'tarballs');
  mkdirSync(tarballs);
  const packed = ['kernels', 'webgpu', 'tensor'].map((p) => pack(join(root, 'packages', p), tarballs));
  cpSync(join(import.meta.dirname, '..', 'app'), appDir, { recursive: true });
  writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', ...packed], {
    cwd: appDir,
    stdio: 'pipe',
  });
  // One at a time: the machine is small and shared.
  for (const bundler of ['vite', 'esbuild', 'webpack', 'rollup']) await buildWith(bundler);
  const executablePath = findChromium();
  if (executablePath === null) throw new Error('no Chromium found: run `node tools/ci/chromium.mjs`');
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}, 600_000);

afterAll(async () => {
  for (const close of closers) await close();
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Loads `url`, waits for the app's result, and returns it with every console error and failed request. */
async function load(url: string): Promise<{ result: PageResult; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  await page.goto(url);
  await page
    .waitForFunction(() => document.title === 'done', null, { timeout: 60_000 })
    .catch((e: unknown) => {
      // Say what the page reported, not only that it never finished.
      throw new Error(`${url} never finished: ${e instanceof Error ? e.message : String(e)}\n${problems.join('\n')}`);
    });
  const result = (await page.evaluate(() => (globalThis as { torchletResult?: unknown }).torchletResult)) as PageResult;
  await page.close();
  return { result, problems };
}

function expectThreads(result: PageResult, isolated: boolean): void {
  expect(result.corner).toBe(256);
  expect(result.wasmLoaded).toBe(true);
  expect(result.isolated).toBe(isolated);
  if (isolated) {
    expect(result).toMatchObject({ threadsActive: 2, lastKernel: 'wasm-simd128-sgemm-4x8 x2 threads', error: '' });
  } else {
    expect(result).toMatchObject({ threadsActive: 1, lastKernel: 'wasm-simd128-sgemm-4x8' });
    expect(result.error).toMatch(/cross-origin isolated/);
  }
}

describe.each(['vite', 'esbuild', 'webpack', 'rollup'])('%s build', (bundler) => {
  it('emits the two .wasm files and nothing else of the package, with no warning', () => {
    const files = listFiles(out(bundler));
    const wasm = files.filter((f) => f.endsWith('.wasm')).sort();
    expect(wasm).toHaveLength(2); // gemm.wasm and gemm-mt.wasm (webpack names them by hash only)
    const [a, b] = wasm.map((f) => readFileSync(join(out(bundler), f)));
    expect(a.equals(b)).toBe(false);
    expect(files.filter((f) => !/\.(wasm|js|html)$/.test(f))).toEqual([]);
    // Rollup reports @torchlet/tensor's import cycles (tensor.ts <-> its op files, a known shape of
    // that package, safe because no module touches Tensor at top level); anything else is a failure.
    const real = warnings[bundler].filter(
      (w) => !/^Circular dependency: .*@torchlet\/tensor\/dist\/tensor\.js/.test(w),
    );
    expect(real).toEqual([]);
  });

  it.each([true, false])('runs on WebAssembly in Chromium (cross-origin isolated: %s)', async (isolated) => {
    const server = await serveStatic(out(bundler), isolated);
    closers.push(server.close);
    const { result, problems } = await load(server.url);
    expect(problems).toEqual([]);
    expect(server.missing).toEqual([]);
    expectThreads(result, isolated);
  });
});

describe('vite dev server', () => {
  it.each([true, false])('runs on WebAssembly in Chromium (cross-origin isolated: %s)', async (isolated) => {
    const logger = createLogger('warn');
    logger.warn = (msg) => warnings['vite dev'].push(msg);
    logger.warnOnce = (msg) => warnings['vite dev'].push(msg);
    const server: ViteDevServer = await createServer({
      configFile: false,
      root: appDir,
      customLogger: logger,
      cacheDir: join(scratch, `vite-cache-${isolated}`),
      server: { host: '127.0.0.1', port: 0, headers: isolated ? ISOLATION_HEADERS : {} },
    });
    await server.listen();
    closers.push(() => server.close());
    const url = server.resolvedUrls?.local[0];
    if (url === undefined) throw new Error('vite dev server has no URL');
    const { result, problems } = await load(url);
    expect(problems).toEqual([]);
    expectThreads(result, isolated);
    expect(warnings['vite dev']).toEqual([]);
  });
});
