// The package in a real browser: Chromium's navigator.gpu on its SwiftShader adapter, loading the
// compiled ES modules over HTTP as a page would. Fails (never skips) without Chromium.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize, sep } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';

const CHROMIUM = process.env.TORCHLET_CHROMIUM ?? '/usr/bin/chromium';
const packageDir = join(import.meta.dirname, '..');
const repoRoot = join(packageDir, '..', '..');

/** What the page runs: the README's corr2d example and a matmul, through the published modules. */
const PAGE_SCRIPT = `(async () => {
  const m = await import('/index.js');
  const gpu = await m.initWebGPU();
  const x = m.upload(gpu, new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8]));
  const k = m.upload(gpu, new Float32Array([0, 1, 2, 3]));
  const g = { batch: 1, inChannels: 1, inH: 3, inW: 3, outChannels: 1, kh: 2, kw: 2, groups: 1,
    strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, outH: 2, outW: 2 };
  const conv = Array.from(await m.readback(m.conv2dForward(x, k, null, g)));
  const convKernel = m.getWebGPUInfo().lastKernel;
  const a = m.upload(gpu, new Float32Array([1, 2, 3, 4, 5, 6]));
  const product = Array.from(await m.readback(m.matmul(a, a, { m: 2, n: 2, k: 3, transB: true })));
  return { conv, convKernel, product, info: m.getWebGPUInfo() };
})()`;

let outDir = '';
let server: Server;
let origin = '';
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium); this test needs it`,
    );
  }
  // The modules as published: tsc's output of src/, served from a scratch folder.
  outDir = mkdtempSync(join(tmpdir(), 'torchlet-webgpu-browser-'));
  execFileSync(
    join(repoRoot, 'node_modules', '.bin', 'tsc'),
    ['-p', join(packageDir, 'tsconfig.build.json'), '--outDir', outDir],
    {
      stdio: 'pipe',
    },
  );
  server = createServer((req, res) => {
    const path = normalize(join(outDir, (req.url ?? '/').split('?')[0]));
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>webgpu</title>');
    } else if (path.startsWith(outDir + sep) && existsSync(path)) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(path));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // 127.0.0.1 is a secure context, which navigator.gpu requires.
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

test('in Chromium: navigator.gpu gives an adapter, and conv2d, matmul and readback work', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/`);
  // A string, so vitest's module transform leaves the page's import() alone.
  const result = (await page.evaluate(PAGE_SCRIPT)) as {
    conv: number[];
    convKernel: string;
    product: number[];
    info: {
      available: boolean;
      vendor: string;
      architecture: string;
      description: string;
      lastKernel: string;
      error: string;
    };
  };
  expect(errors).toEqual([]);
  expect(result.conv).toEqual([19, 25, 37, 43]);
  expect(result.convKernel).toBe('webgpu-conv2d-implicit-gemm-32x32');
  expect(result.product).toEqual([14, 32, 32, 77]);
  expect(result.info).toMatchObject({ available: true, lastKernel: 'webgpu-matmul-tiled-32x32', error: '' });
  console.info(
    `Chromium WebGPU adapter: ${result.info.vendor} ${result.info.architecture} (${result.info.description})`,
  );
}, 120_000);
