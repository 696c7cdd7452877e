// The documentation site in a real browser: builds it (typedoc + VitePress, as `pnpm docs:build`
// does), serves the static output on 127.0.0.1, and drives Debian's Chromium with playwright-core
// through the home page, a guide, the API reference and the playground. Any console error, page
// error, failed request or HTTP error fails the test. Screenshots go to <repo>/artifacts/docs/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corr2d } from '@torchlet/ops';
import { tensor } from '@torchlet/tensor';
import { type BrowserContext, chromium, type Page, type Response as PlaywrightResponse } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findChromium } from '../../../tools/ci/chromium.mjs';
import { referenceCheck } from '../.vitepress/theme/playground/logic.ts';
import { serveStatic } from './static-server.ts';

// The Chromium `pnpm test` found or provisioned (tools/ci/chromium.mjs: TORCHLET_CHROMIUM, system
// paths, Playwright's cache); null fails the test in beforeAll.
const CHROMIUM = findChromium();
const docsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(docsDir, '../..');
const distDir = join(docsDir, '.vitepress', 'dist');
const shots = join(repoRoot, 'artifacts', 'docs');

interface Golden {
  cases: { learn_kernel: { init: number[][]; lr: number; epochs: number; loss_per_epoch: number[] }[] };
}
const golden = JSON.parse(readFileSync(join(repoRoot, 'tools/test-utils/golden/d2l.json'), 'utf8')) as Golden;

let server: Server | undefined;
let base = '';
let context: BrowserContext | undefined;
let profile = '';
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  // Never skip: a machine without Chromium fails here, loudly. `pnpm test` provisions one first.
  if (CHROMIUM === null) {
    throw new Error(
      'no Chromium found: run `node tools/ci/chromium.mjs` (or set TORCHLET_CHROMIUM); the docs browser test needs it',
    );
  }
  // TORCHLET_DOCS_REUSE_BUILD=1 reuses an existing build while iterating on this test.
  if (!(process.env.TORCHLET_DOCS_REUSE_BUILD === '1' && existsSync(join(distDir, 'index.html')))) {
    execFileSync('pnpm', ['run', 'build'], { cwd: docsDir, stdio: 'pipe', timeout: 540_000 });
  }
  ({ server, url: base } = await serveStatic(distDir));
  mkdirSync(shots, { recursive: true });
  profile = mkdtempSync(join(tmpdir(), 'torchlet-docs-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? '?'})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
}, 600_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

async function open(path: string): Promise<void> {
  problems.length = 0;
  await page.goto(base + path, { waitUntil: 'networkidle' });
}

function expectNoProblems(): void {
  expect(problems, problems.join('\n')).toEqual([]);
}

/** The numbers a heatmap shows, from its cells' data-value attributes. */
async function heatmap(testid: string): Promise<number[][]> {
  const loc = page.locator(`[data-testid="${testid}"]`);
  const rows = Number(await loc.getAttribute('data-rows'));
  const cols = Number(await loc.getAttribute('data-cols'));
  const values = await loc
    .locator('[data-value]')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  expect(values).toHaveLength(rows * cols);
  return Array.from({ length: rows }, (_, i) => values.slice(i * cols, i * cols + cols));
}

describe('documentation site in Chromium', () => {
  test('home page: hero, layer diagram, install commands, example', async () => {
    await open('/');
    await expect(page.title()).resolves.toContain('torchlet');
    expect(await page.locator('.VPHero .name').textContent()).toContain('torchlet');
    expect(await page.locator('img[src="/figures/layers.svg"]').count()).toBe(1);
    // textContent: the install commands sit in code-group tabs, only one of them visible.
    const text = (await page.locator('.vp-doc').textContent()) ?? '';
    for (const pkg of ['tensor', 'ops', 'autograd', 'nn']) expect(text).toContain(`npm install @torchlet/${pkg}`);
    expect(text).toContain('corr2d(X, K)');
    await page.screenshot({ path: join(shots, 'home-light.png'), fullPage: true });
    // The dark theme, through VitePress's own switch.
    await page.locator('.VPNavBar .VPSwitchAppearance').first().click();
    await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    await page.screenshot({ path: join(shots, 'home-dark.png'), fullPage: false });
    await page.locator('.VPNavBar .VPSwitchAppearance').first().click();
    expectNoProblems();
  });

  test('a guide renders with its sidebar, figures and code', async () => {
    await open('/guide/convolution');
    expect(await page.locator('.vp-doc h1').textContent()).toMatch(/^Convolution\b/);
    expect(await page.locator('.VPSidebar').textContent()).toContain('Contributing to a layer');
    const figures = page.locator('.vp-doc img.tl-figure');
    expect(await figures.count()).toBeGreaterThanOrEqual(6);
    // Every figure loaded (a broken image has naturalWidth 0).
    const widths = await figures.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
    expect(widths.every((w) => w > 0)).toBe(true);
    await page.screenshot({ path: join(shots, 'guide-convolution.png'), fullPage: true });
    await open('/guide/tensors');
    expect(await page.locator('.vp-doc').textContent()).toContain('stack([T1, T2]).shape');
    expectNoProblems();
  });

  test('the API reference shows each package with its version', async () => {
    await open('/api/');
    const index = await page.locator('.vp-doc').textContent();
    for (const pkg of ['kernels', 'tensor', 'ops', 'autograd', 'nn']) {
      const version = (
        JSON.parse(readFileSync(join(repoRoot, 'packages', pkg, 'package.json'), 'utf8')) as { version: string }
      ).version;
      expect(index).toContain(`@torchlet/${pkg} - v${version}`);
    }
    await open('/api/@torchlet/ops');
    expect(await page.locator('.vp-doc h1').textContent()).toContain('@torchlet/ops');
    expect(await page.locator('.vp-doc').textContent()).toContain('conv2d');
    await page.screenshot({ path: join(shots, 'api-ops.png') });
    expectNoProblems();
  });

  test('local search finds a guide', async () => {
    await open('/');
    await page.locator('.VPNavBarSearch button').first().click();
    await page.locator('.VPLocalSearchBox input').fill('stack');
    await expect.poll(() => page.locator('.VPLocalSearchBox .result').count()).toBeGreaterThan(0);
    expect(await page.locator('.VPLocalSearchBox .results').textContent()).toMatch(/Stack vs cat/i);
    await page.keyboard.press('Escape');
    expectNoProblems();
  });

  test('playground: ready() loads the WebAssembly SIMD kernels, which give the JavaScript kernels’ numbers', async () => {
    const wasmResponses: { url: string; status: number; type: string }[] = [];
    const onResponse = (r: PlaywrightResponse): void => {
      if (r.url().endsWith('.wasm'))
        wasmResponses.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] ?? '' });
    };
    page.on('response', onResponse);
    try {
      await open('/playground');
      const line = page.locator('[data-testid="backend"]');
      await page.locator('[data-testid="backend"][data-state="ready"]').waitFor({ timeout: 30_000 });
      // The built site serves both modules (the threaded one for the workers) and the page compiled
      // them, with SIMD, in Chromium.
      expect(wasmResponses.map((r) => [r.status, r.type])).toEqual([
        [200, 'application/wasm'],
        [200, 'application/wasm'],
      ]);
      expect(wasmResponses.some((r) => /gemm-mt\.[\w-]*\.?wasm$/.test(r.url))).toBe(true);
      expect(await line.getAttribute('data-simd')).toBe('true');
      expect(await line.getAttribute('data-wasm')).toBe('true');
      // The server sends COOP/COEP, so ready() started a Web Worker per extra core.
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      expect(cores, 'this test needs a machine with at least 2 cores').toBeGreaterThanOrEqual(2);
      expect(await line.getAttribute('data-isolated')).toBe('true');
      expect(await line.getAttribute('data-threads')).toBe(String(cores));
      expect(await line.textContent()).toMatch(/compute: WebAssembly SIMD \(sgemm-4x8, conv2d-implicit-4x8/);
      expect(await line.textContent()).toContain(`on ${cores} threads`);
      // The self-check ran on the WebAssembly kernels and matched the JavaScript ones, which Node
      // recomputes here.
      const check = page.locator('[data-testid="backend-check"]');
      expect(await check.getAttribute('data-matmul-kernel')).toBe('wasm-simd128-sgemm-4x8');
      expect(await check.getAttribute('data-conv-kernel')).toBe('wasm-simd128-conv2d-implicit-4x8');
      // The large product ran on the main thread and the workers together (the main thread polls
      // for the workers' last chunks: it may not block in Atomics.wait).
      expect(await check.getAttribute('data-big-kernel')).toBe(`wasm-simd128-sgemm-4x8 x${cores} threads`);
      const ref = referenceCheck();
      expect(JSON.parse((await check.getAttribute('data-matmul')) ?? 'null')).toEqual(ref.matmul);
      expect(JSON.parse((await check.getAttribute('data-conv')) ?? 'null')).toEqual(ref.conv);
      expect(Number(await check.getAttribute('data-big-checksum'))).toBe(ref.bigChecksum);
      expect(await check.getAttribute('data-same')).toBe('true');
      expect(await check.textContent()).toContain('same numbers as the JavaScript kernels');
      expectNoProblems();
    } finally {
      page.off('response', onResponse);
    }
  });

  test('playground without cross-origin isolation: one thread, said why, same numbers', async () => {
    // A static host that cannot send COOP/COEP: no shared memory, so no workers, and the page says so.
    const plain = await serveStatic(distDir, { isolated: false });
    const wasmUrls: string[] = [];
    const onResponse = (r: PlaywrightResponse): void => {
      if (r.url().endsWith('.wasm')) wasmUrls.push(r.url());
    };
    page.on('response', onResponse);
    try {
      problems.length = 0;
      await page.goto(`${plain.url}/playground`, { waitUntil: 'networkidle' });
      const line = page.locator('[data-testid="backend"]');
      await page.locator('[data-testid="backend"][data-state="ready"]').waitFor({ timeout: 30_000 });
      expect(await line.getAttribute('data-isolated')).toBe('false');
      expect(await line.getAttribute('data-wasm')).toBe('true');
      expect(await line.getAttribute('data-threads')).toBe('1');
      expect(wasmUrls).toHaveLength(1); // gemm.wasm only: the threaded module is not fetched
      expect(await line.textContent()).toContain('on 1 thread (threads need a cross-origin isolated page');
      const check = page.locator('[data-testid="backend-check"]');
      expect(await check.getAttribute('data-big-kernel')).toBe('wasm-simd128-sgemm-4x8');
      expect(Number(await check.getAttribute('data-big-checksum'))).toBe(referenceCheck().bigChecksum);
      expect(await check.getAttribute('data-same')).toBe('true');
      expectNoProblems();
    } finally {
      page.off('response', onResponse);
      await new Promise<void>((resolve) => plain.server.close(() => resolve()));
    }
  });

  test('playground: every kernel preset shows corr2d(X, K) as computed by @torchlet/ops', async () => {
    await open('/playground');
    await page.locator('[data-testid="heatmap-Y"]').waitFor();
    const check = async (label: string): Promise<void> => {
      const X = await heatmap('heatmap-X');
      const K = await heatmap('heatmap-K');
      const Y = await heatmap('heatmap-Y');
      expect(Y, label).toEqual(corr2d(tensor(X), tensor(K)).toArray());
    };
    const images = ['edge', 'diagonal', 'step'];
    for (const img of images) {
      await page.selectOption('[data-testid="image-select"]', img);
      for (const k of ['edge', 'edgeT', 'laplacian', 'blur', 'directional']) {
        await page.selectOption('[data-testid="kernel-select"]', k);
        await check(`${img} with ${k}`);
      }
    }
    // The book's numbers for its own example.
    await page.selectOption('[data-testid="image-select"]', 'edge');
    await page.selectOption('[data-testid="kernel-select"]', 'edge');
    expect((await heatmap('heatmap-Y'))[0]).toEqual([0, 1, 0, 0, 0, -1, 0]);
    // A directional kernel at another angle, a typed kernel, and drawing on the grid.
    await page.selectOption('[data-testid="kernel-select"]', 'directional');
    await page.locator('[data-testid="angle"]').fill('45');
    await check('directional at 45°');
    await page.selectOption('[data-testid="kernel-select"]', 'custom');
    await page.locator('[data-testid="kernel-text"]').fill('[[1, 0], [0, -1]]');
    expect(await heatmap('heatmap-K')).toEqual([
      [1, 0],
      [0, -1],
    ]);
    await check('custom kernel');
    await page.selectOption('[data-testid="image-select"]', 'draw');
    await page.locator('[data-testid="heatmap-X"] [data-row="2"][data-col="3"]').click();
    await page.locator('[data-testid="heatmap-X"] [data-row="4"][data-col="1"]').click();
    expect((await heatmap('heatmap-X'))[2][3]).toBe(1);
    await check('drawn image');
    // Hovering shows the exact value.
    await page.locator('[data-testid="heatmap-Y"] [data-row="1"][data-col="2"]').hover();
    expect(await page.locator('[data-testid="heatmap-Y"] [data-testid="hover"]').textContent()).toMatch(
      /^Y\[1, 2\] = /,
    );
    await page.screenshot({ path: join(shots, 'playground-kernels.png'), fullPage: true });
    expectNoProblems();
  });

  test('playground: "learn the kernel" reproduces PyTorch’s losses and ends below 0.1', async () => {
    await open('/playground');
    // Learn with the WebAssembly module loaded: the numbers must not move.
    await page.locator('[data-testid="backend"][data-state="ready"][data-wasm="true"]').waitFor({ timeout: 30_000 });
    const run = golden.cases.learn_kernel.find((r) => r.init[0][0] === -0.375 && r.init[0][1] === 0.125);
    if (!run) throw new Error('d2l.json has no learn_kernel run from [[-0.375, 0.125]]');
    expect(await page.locator('[data-testid="init-select"]').inputValue()).toBe('golden2');
    await page.locator('[data-testid="learn"]').click();
    await page.locator('[data-testid="learn-state"][data-state="done"]').waitFor({ timeout: 30_000 });
    const losses = await page
      .locator('[data-testid="loss-table"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-loss'))));
    expect(losses).toHaveLength(run.epochs);
    losses.forEach((l, i) => {
      expect(l, `epoch ${i + 1}`).toBeCloseTo(run.loss_per_epoch[i], 4);
    });
    expect(losses[losses.length - 1]).toBeLessThan(0.1);
    const K = await heatmap('heatmap-learn-K');
    expect(K[0][0]).toBeGreaterThan(0.9);
    expect(K[0][1]).toBeLessThan(-0.9);
    expect(await page.locator('[data-testid="loss-chart"] circle').count()).toBe(run.epochs);
    await page.locator('#learn-the-kernel').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'playground-learn.png'), fullPage: true });
    expectNoProblems();
  });
});
