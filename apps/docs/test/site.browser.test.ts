// The documentation site in a real browser, served the ways it is served for real:
// - built with a non-root base path (TORCHLET_DOCS_BASE=/torchlet/, as on a GitHub project page)
//   and served by `pnpm run preview` (Vite's preview server with the COOP/COEP plugin);
// - the same static files on a plain static server that sends no headers (GitHub Pages), where
//   coi-serviceworker must make the page cross-origin isolated;
// - `pnpm run dev`, VitePress's dev server.
// Chromium (tools/ci/chromium.mjs finds it) through playwright-core crawls every page, link, asset and #fragment, checks
// threads, the playground, a phone with touch, both themes (figure text contrast, no figure label
// cut or overlapping) and runs axe-core. Any console error, page error, failed request or HTTP
// error fails it. Screenshots go to <repo>/artifacts/docs/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conv2d, corr2d } from '@torchlet/ops';
import { tensor } from '@torchlet/tensor';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { findChromium } from '../../../tools/ci/chromium.mjs';
import { contrast, type Rgb } from '../.vitepress/theme/playground/colors.ts';
import { outputSize, referenceCheck } from '../.vitepress/theme/playground/logic.ts';
import { freePort, type RunningServer, startServer } from './servers.ts';
import { serveStatic } from './static-server.ts';

// The Chromium `pnpm test` found or provisioned (tools/ci/chromium.mjs: TORCHLET_CHROMIUM, system
// paths, Playwright's cache); null fails the test in beforeAll.
const CHROMIUM = findChromium();
const BASE = '/torchlet/';
const docsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(docsDir, '../..');
const distDir = join(docsDir, '.vitepress', 'dist');
const shots = join(repoRoot, 'artifacts', 'docs');
const env = { ...process.env, TORCHLET_DOCS_BASE: BASE };
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Golden {
  cases: { learn_kernel: { init: number[][]; lr: number; epochs: number; loss_per_epoch: number[] }[] };
}
const golden = JSON.parse(readFileSync(join(repoRoot, 'tools/test-utils/golden/d2l.json'), 'utf8')) as Golden;

let browser: Browser;
let preview: RunningServer | undefined;
let site = ''; // the preview server's URL of the site, base included
const problems: string[] = [];
const contexts: BrowserContext[] = [];

/** A new browser context whose pages report console errors, page errors and failed requests. */
async function newPage(options: Parameters<Browser['newContext']>[0] = {}, from: Browser = browser): Promise<Page> {
  const context = await from.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A navigation aborts the page's prefetches of linked pages: not a failure of the site.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') {
      problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? '?'})`);
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  return page;
}

function expectNoProblems(): void {
  expect(problems, problems.join('\n')).toEqual([]);
  problems.length = 0;
}

beforeAll(async () => {
  // Never skip: a machine without Chromium fails here, loudly. `pnpm test` provisions one first.
  if (CHROMIUM === null) {
    throw new Error(
      'no Chromium found: run `node tools/ci/chromium.mjs` (or set TORCHLET_CHROMIUM); the docs browser test needs it',
    );
  }
  // TORCHLET_DOCS_REUSE_BUILD=1 reuses an existing build (made with the same base) while iterating.
  const built = existsSync(join(distDir, 'index.html'));
  if (!(process.env.TORCHLET_DOCS_REUSE_BUILD === '1' && built)) {
    execFileSync('pnpm', ['run', 'build'], { cwd: docsDir, env, stdio: 'pipe', timeout: 540_000 });
  }
  const port = await freePort();
  preview = await startServer('preview', ['--port', String(port)], `http://127.0.0.1:${port}${BASE.slice(0, -1)}`, {
    cwd: docsDir,
    env,
    timeoutMs: 60_000,
  });
  site = preview.url;
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}, 600_000);

// Each test's pages close with it, so nothing it left running reports into the next one.
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  problems.length = 0;
});

afterAll(async () => {
  await browser?.close();
  await preview?.stop();
});

/** The numbers a heatmap shows, from its cells' data-value attributes. */
async function heatmap(page: Page, testid: string): Promise<number[][]> {
  const loc = page.locator(`[data-testid="${testid}"]`);
  const rows = Number(await loc.getAttribute('data-rows'));
  const cols = Number(await loc.getAttribute('data-cols'));
  const values = await loc
    .locator('[data-value]')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  expect(values).toHaveLength(rows * cols);
  return Array.from({ length: rows }, (_, i) => values.slice(i * cols, i * cols + cols));
}

/** A heading's text without VitePress's header-anchor link (a zero-width space). */
async function heading(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\u200b/g, '').trim();
}

/** The `row,col` keys of a heatmap's outlined (receptive-window) cells. */
async function outlined(page: Page, testid: string): Promise<string[]> {
  return page
    .locator(`[data-testid="${testid}"] .tl-hl`)
    .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-row')},${e.getAttribute('data-col')}`));
}

/** Waits for the playground's backend line and checks WebAssembly on `threads` threads. */
async function expectThreads(page: Page, isolated: boolean, threads: number): Promise<void> {
  const line = page.locator('[data-testid="backend"]');
  await page.locator('[data-testid="backend"][data-state="ready"]').waitFor({ timeout: 60_000 });
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(isolated);
  expect(await line.getAttribute('data-isolated')).toBe(String(isolated));
  expect(await line.getAttribute('data-wasm')).toBe('true');
  expect(await line.getAttribute('data-threads')).toBe(String(threads));
  expect(await line.textContent()).toContain(threads === 1 ? 'on 1 thread' : `on ${threads} threads`);
  const check = page.locator('[data-testid="backend-check"]');
  expect(await check.getAttribute('data-same')).toBe('true');
  expect(Number(await check.getAttribute('data-big-checksum'))).toBe(referenceCheck().bigChecksum);
}

describe('threads on every server the site is served from', () => {
  test('pnpm run preview: HTML pages carry COOP/COEP, the playground is isolated and runs 2 threads', async () => {
    const page = await newPage();
    const response = await page.goto(`${site}/playground`, { waitUntil: 'networkidle' });
    expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
    expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(cores, 'this test needs a machine with at least 2 cores').toBeGreaterThanOrEqual(2);
    await expectThreads(page, true, cores);
    const check = page.locator('[data-testid="backend-check"]');
    // The kernels that ran, and the numbers against the JavaScript kernels recomputed in Node.
    expect(await check.getAttribute('data-matmul-kernel')).toBe('wasm-simd128-sgemm-4x8');
    expect(await check.getAttribute('data-conv-kernel')).toBe('wasm-simd128-conv2d-implicit-4x8');
    expect(await check.getAttribute('data-big-kernel')).toBe(`wasm-simd128-sgemm-4x8 x${cores} threads`);
    const ref = referenceCheck();
    expect(JSON.parse((await check.getAttribute('data-matmul')) ?? 'null')).toEqual(ref.matmul);
    expect(JSON.parse((await check.getAttribute('data-conv')) ?? 'null')).toEqual(ref.conv);
    expect(await page.locator('[data-testid="backend"]').textContent()).toMatch(
      /compute: WebAssembly SIMD \(sgemm-4x8, conv2d-implicit-4x8/,
    );
    expectNoProblems();
  });

  test('a plain static server without headers: coi-serviceworker isolates the page, 2 threads', async () => {
    const plain = await serveStatic(distDir, { base: BASE });
    try {
      const page = await newPage();
      const response = await page.goto(`${plain.url}/playground`, { waitUntil: 'networkidle' });
      expect(response?.headers()['cross-origin-opener-policy']).toBeUndefined();
      // The service worker registers, then reloads the page once under its headers.
      await expect.poll(() => page.evaluate(() => crossOriginIsolated), { timeout: 30_000 }).toBe(true);
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      await expectThreads(page, true, cores);
      // Without service workers (a browser or mode that has none) the page says why it runs on one.
      const blocked = await newPage();
      await blocked.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'serviceWorker', { get: () => undefined });
      });
      await blocked.goto(`${plain.url}/playground`, { waitUntil: 'networkidle' });
      await expectThreads(blocked, false, 1);
      expect(await blocked.locator('[data-testid="backend"]').textContent()).toContain(
        'on 1 thread (threads need a cross-origin isolated page',
      );
      expectNoProblems();
    } finally {
      await new Promise<void>((resolve) => plain.server.close(() => resolve()));
    }
  }, 120_000);

  test('pnpm run dev: HTML pages carry COOP/COEP, the playground is isolated and runs 2 threads', async () => {
    const port = await freePort();
    const dev = await startServer(
      'dev',
      ['--port', String(port), '--strictPort', '--host', '127.0.0.1'],
      `http://127.0.0.1:${port}${BASE.slice(0, -1)}`,
      { cwd: docsDir, env, timeoutMs: 240_000 },
    );
    try {
      const page = await newPage();
      const response = await page.goto(`${dev.url}/playground`, { waitUntil: 'load', timeout: 120_000 });
      expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
      expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      await expectThreads(page, true, cores);
      // The dev server's own requests (HMR, source maps) may 404 harmlessly: only errors count.
      expect(
        problems.filter((p) => !p.startsWith('HTTP 404')),
        problems.join('\n'),
      ).toEqual([]);
      problems.length = 0;
    } finally {
      await dev.stop();
    }
  }, 300_000);
});

interface Crawl {
  /** Every page reached from the home page, as full URLs. */
  seen: Set<string>;
  /** Page URL -> its element ids. */
  ids: Map<string, Set<string>>;
  /** Every same-site link with a #fragment. */
  fragments: { from: string; page: string; id: string }[];
}

let crawled: Promise<Crawl> | undefined;

/**
 * Follows every same-site link from the home page (the nav bar and sidebars link every page), once
 * per test file: the crawl test checks what it found, the accessibility audit visits every page.
 */
function crawlSite(): Promise<Crawl> {
  crawled ??= (async () => {
    const page = await newPage();
    const origin = new URL(site).origin;
    const queue = [`${site}/`];
    const seen = new Set<string>(queue);
    const ids = new Map<string, Set<string>>();
    const fragments: Crawl['fragments'] = [];
    while (queue.length > 0) {
      const url = queue.shift() as string;
      const response = await page.goto(url, { waitUntil: 'load' });
      expect(response?.status(), url).toBe(200);
      await page.waitForLoadState('networkidle');
      const found = await page.evaluate(() => ({
        ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
        links: [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href),
        images: [...document.querySelectorAll('img')].map((i) => [i.src, i.naturalWidth] as const),
      }));
      ids.set(url, new Set(found.ids));
      for (const [src, width] of found.images) expect(width, `image ${src} on ${url}`).toBeGreaterThan(0);
      for (const href of found.links) {
        const target = new URL(href);
        if (target.origin !== origin) continue;
        expect(target.pathname.startsWith(BASE), `${href} on ${url} is outside the base path`).toBe(true);
        const pageUrl = `${target.origin}${target.pathname}`;
        if (target.hash) fragments.push({ from: url, page: pageUrl, id: decodeURIComponent(target.hash.slice(1)) });
        if (!seen.has(pageUrl) && !/\.\w+$/.test(target.pathname)) {
          seen.add(pageUrl);
          queue.push(pageUrl);
        }
      }
    }
    return { seen, ids, fragments };
  })();
  return crawled;
}

/** The site's pages as paths below the base (`/`, `/guide/d2l`, `/api/@torchlet/nn/`, ...). */
async function sitePaths(): Promise<string[]> {
  const { seen } = await crawlSite();
  return [...seen].map((u) => new URL(u).pathname.slice(BASE.length - 1)).sort();
}

describe('every page, link, asset and anchor (built with base /torchlet/)', () => {
  test('crawl: no 404, no broken #fragment, no console error, every figure rendered', async () => {
    const { seen, ids, fragments } = await crawlSite();
    // Every page of the site was reached.
    const paths = await sitePaths();
    for (const p of [
      '/',
      '/guide/d2l',
      '/guide/convolution',
      '/guide/models',
      '/guide/onnx',
      '/playground',
      '/api/',
      '/changelog/',
    ]) {
      expect(paths, p).toContain(p);
    }
    for (const pkg of ['kernels', 'tensor', 'ops', 'autograd', 'nn']) {
      expect(
        paths.some((p) => p.startsWith(`/api/@torchlet/${pkg}`)),
        `API page of ${pkg}`,
      ).toBe(true);
      expect(paths, `changelog of ${pkg}`).toContain(`/changelog/${pkg}`);
    }
    const broken = fragments.filter((f) => !ids.get(f.page)?.has(f.id)).map((f) => `${f.from} -> ${f.page}#${f.id}`);
    expect(broken, broken.join('\n')).toEqual([]);
    expect(seen.size).toBeGreaterThan(20);
    expectNoProblems();
  }, 300_000);

  test('favicon, logo, repository and edit links carry the base path and the repository', async () => {
    const page = await newPage();
    await page.goto(`${site}/guide/d2l`, { waitUntil: 'networkidle' });
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe(`${BASE}logo.svg`);
    expect(await page.locator('script[src$="coi-serviceworker.js"]').getAttribute('src')).toBe(
      `${BASE}coi-serviceworker.js`,
    );
    const favicon = await page.request.get(`${site}/logo.svg`);
    expect(favicon.status()).toBe(200);
    expect(await page.locator('.VPNavBar .VPSocialLink').first().getAttribute('href')).toMatch(
      /^https:\/\/github\.com\//,
    );
    expect(await page.locator('.VPDocFooter .edit-link a').getAttribute('href')).toMatch(
      /\/edit\/main\/apps\/docs\/guide\/d2l\.md$/,
    );
    const headers = await page.request.get(`${site}/_headers`);
    expect(await headers.text()).toContain('Cross-Origin-Embedder-Policy: require-corp');
    expectNoProblems();
  });
});

describe('figures and themes', () => {
  /** Figure text colour against the page background, and text boxes inside the figure and apart. */
  async function checkFigures(page: Page, label: string): Promise<void> {
    const report = await page.evaluate(() => {
      const rgb = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const bg = rgb(getComputedStyle(document.body).backgroundColor);
      return [...document.querySelectorAll('.tl-figure svg')].map((svg) => {
        const { width, height } = (svg as SVGSVGElement).viewBox.baseVal;
        const view = { width, height };
        const texts = [...svg.querySelectorAll('text')].map((t) => {
          const box = (t as SVGTextElement).getBBox();
          return {
            text: t.textContent ?? '',
            fill: rgb(getComputedStyle(t).fill),
            box: { x: box.x, y: box.y, w: box.width, h: box.height },
          };
        });
        return { name: svg.closest('figure')?.getAttribute('data-figure') ?? '?', bg, view, texts };
      });
    });
    expect(report.length, label).toBeGreaterThan(0);
    for (const fig of report) {
      for (const t of fig.texts) {
        const ratio = contrast(t.fill as unknown as Rgb, fig.bg as unknown as Rgb);
        expect(ratio, `${label} ${fig.name} "${t.text}"`).toBeGreaterThanOrEqual(4.5);
        const inside =
          t.box.x >= -0.5 &&
          t.box.y >= -0.5 &&
          t.box.x + t.box.w <= fig.view.width + 0.5 &&
          t.box.y + t.box.h <= fig.view.height + 0.5;
        expect(inside, `${label} ${fig.name}: "${t.text}" is cut (${JSON.stringify(t.box)})`).toBe(true);
      }
      fig.texts.forEach((a, i) => {
        for (const b of fig.texts.slice(i + 1)) {
          const w = Math.min(a.box.x + a.box.w, b.box.x + b.box.w) - Math.max(a.box.x, b.box.x);
          const h = Math.min(a.box.y + a.box.h, b.box.y + b.box.h) - Math.max(a.box.y, b.box.y);
          expect(w > 1 && h > 1, `${label} ${fig.name}: "${a.text}" overlaps "${b.text}"`).toBe(false);
        }
      });
    }
  }

  test('light and dark: figures readable, inlined, uncut and not overlapping; layers include kernels', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await newPage({ colorScheme: scheme });
      await page.goto(`${site}/`, { waitUntil: 'networkidle' });
      expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(scheme === 'dark');
      const layers = (await page.locator('.tl-figure[data-figure="layers"]').textContent()) ?? '';
      for (const pkg of ['kernels', 'tensor', 'ops', 'autograd', 'nn']) expect(layers).toContain(`@torchlet/${pkg}`);
      await checkFigures(page, `home ${scheme}`);
      await page.screenshot({ path: join(shots, `home-${scheme}.png`), fullPage: true });
      await page.goto(`${site}/guide/convolution`, { waitUntil: 'networkidle' });
      expect(await page.locator('.tl-figure svg').count()).toBe(7);
      expect(await page.locator('.tl-figure[data-figure="corr2d"]').textContent()).toContain('Output Y [2, 2]');
      await checkFigures(page, `convolution ${scheme}`);
      await page.screenshot({ path: join(shots, `guide-convolution-${scheme}.png`), fullPage: true });
    }
    expectNoProblems();
  }, 120_000);

  test('accessibility: axe-core finds no serious or critical violation on any page, in either theme', async () => {
    // Every page the crawl reaches (so a new guide or API page is audited without being listed here),
    // in both themes.
    const paths = await sitePaths();
    for (const p of ['/', '/guide/d2l', '/guide/models', '/guide/onnx', '/playground', '/api/@torchlet/nn/']) {
      expect(paths, p).toContain(p);
    }
    const violations: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      const page = await newPage({ colorScheme: scheme });
      for (const path of paths) {
        await page.goto(`${site}${path}`, { waitUntil: 'networkidle' });
        // Audit the hydrated page: VitePress names the theme switch (its title) once Vue has
        // hydrated, which on the long API pages comes after the network is idle.
        await page.waitForFunction(() => document.querySelector('.VPSwitchAppearance')?.getAttribute('title'), null, {
          timeout: 60_000,
        });
        if (path === '/playground') await page.locator('[data-testid="heatmap-Y"]').waitFor();
        await page.addScriptTag({ content: axeSource });
        const result = await page.evaluate(async () => {
          const axe = (
            window as unknown as {
              axe: {
                run(
                  ctx: Document,
                  o: object,
                ): Promise<{
                  violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
                }>;
              };
            }
          ).axe;
          const r = await axe.run(document, { resultTypes: ['violations'] });
          return r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
          }));
        });
        for (const v of result) {
          if (v.impact === 'serious' || v.impact === 'critical')
            violations.push(`${scheme} ${path}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.join(' | ')}`);
        }
      }
    }
    expect(violations, violations.join('\n')).toEqual([]);
    expectNoProblems();
  }, 900_000);
});

describe('the API reference', () => {
  test('packages with readable names, typeset formulas, PyTorch and source links, no inherited members', async () => {
    const page = await newPage();
    await page.goto(`${site}/api/`, { waitUntil: 'networkidle' });
    const sidebar = (await page.locator('.VPSidebar').textContent()) ?? '';
    for (const pkg of ['kernels', 'tensor', 'ops', 'autograd', 'nn']) expect(sidebar).toContain(`@torchlet/${pkg}`);
    expect(sidebar).toContain('@torchlet/nn/node');
    expect(sidebar).toContain('@torchlet/tensor/testing');
    expect(sidebar).not.toMatch(/\bindex(-1)?\b/);
    const overview = (await page.locator('.vp-doc').textContent()) ?? '';
    for (const pkg of ['kernels', 'tensor', 'ops', 'autograd', 'nn']) {
      const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages', pkg, 'package.json'), 'utf8'));
      expect(overview).toContain(`@torchlet/${pkg} - v${(manifest as { version: string }).version}`);
    }
    await page.goto(`${site}/api/@torchlet/nn/`, { waitUntil: 'networkidle' });
    expect(await heading(page, '.vp-doc h1')).toBe('@torchlet/nn');
    const nn = (await page.locator('.vp-doc').textContent()) ?? '';
    expect(nn).not.toContain('Inherited from');
    // No symbol-keyed brand accessors among the members.
    const members = await page.locator('.vp-doc h4, .vp-doc h5').allTextContents();
    expect(members.filter((h) => /^\[|brand/i.test(h))).toEqual([]);
    expect(await page.locator('.vp-doc [id*="brand"]').count()).toBe(0);
    await page.goto(`${site}/api/@torchlet/tensor/`, { waitUntil: 'networkidle' });
    expect(await heading(page, '.vp-doc h1')).toBe('@torchlet/tensor');
    await page.goto(`${site}/api/@torchlet/ops`, { waitUntil: 'networkidle' });
    // conv2d's output-shape formula, typeset by MathJax (an SVG), not inline code.
    const conv = page.locator('h3#conv2d ~ p:has(mjx-container)').first();
    expect(await conv.count()).toBe(1);
    const pytorch = page.locator(
      'a[href="https://docs.pytorch.org/docs/stable/generated/torch.nn.functional.conv2d.html"]',
    );
    expect(await pytorch.count()).toBeGreaterThan(0);
    expect(await page.locator('a[href*="/blob/main/packages/ops/src/"]').count()).toBeGreaterThan(10);
    // Required parameters show no "Default value: undefined".
    expect(await page.locator('.vp-doc').textContent()).not.toMatch(/\|\s*undefined\s*\|/);
    expect(await page.locator('.vp-doc td code', { hasText: /^undefined$/ }).count()).toBe(0);
    // Parameter tables carry the TSDoc @param descriptions, and functions their @returns.
    const convParams = page.locator('h3#conv2d ~ table').first();
    expect(await convParams.locator('th').allTextContents()).toContain('Description');
    expect(await convParams.textContent()).toContain('Filters [C_out, C_in / groups, kH, kW]');
    expect(await page.locator('h3#conv2d ~ h4:has-text("Returns") + p + p').first().textContent()).toContain(
      'A new tensor [N, C_out, H_out, W_out]',
    );
    await page.screenshot({ path: join(shots, 'api-ops.png') });
    expectNoProblems();
  }, 120_000);

  test('local search finds a guide', async () => {
    const page = await newPage();
    await page.goto(`${site}/`, { waitUntil: 'networkidle' });
    await page.locator('.VPNavBarSearch button').first().click();
    await page.locator('.VPLocalSearchBox input').fill('stack');
    await expect.poll(() => page.locator('.VPLocalSearchBox .result').count()).toBeGreaterThan(0);
    expect(await page.locator('.VPLocalSearchBox .results').textContent()).toMatch(/Stack vs cat/i);
    expectNoProblems();
  });
});

describe('the d2l walk-through', () => {
  test('every sub-section, printed tensors and heatmaps, every exercise of both editions', async () => {
    const page = await newPage();
    await page.goto(`${site}/guide/d2l`, { waitUntil: 'networkidle' });
    const headings = await page.locator('.vp-doc h2, .vp-doc h3').allTextContents();
    for (const h of [
      'The cross-correlation operation',
      'Convolutional layers',
      'Object edge detection in images',
      'Learning a kernel',
      'Cross-correlation and convolution',
      'Feature map and receptive field',
      'Exercises',
    ]) {
      expect(
        headings.some((t) => t.startsWith(h)),
        h,
      ).toBe(true);
    }
    const text = (await page.locator('.vp-doc').textContent()) ?? '';
    expect(text).toContain('What is the kernel for an integral?');
    expect(text).toContain('backward: grad can be implicitly created only for scalar outputs');
    expect(text).toContain('new Conv2D([1, 2]');
    expect(text).toContain('l.sum().backward()');
    // The full printed X of the edge example, and its image in grey (1 white, 0 black).
    expect(await page.locator('[data-testid="tensor-edge.X"] pre').textContent()).toBe(
      (() => {
        const X = tensor(Array.from({ length: 6 }, () => [1, 1, 0, 0, 0, 0, 1, 1]));
        return X.toString();
      })(),
    );
    const edge = page.locator('[data-testid="heatmap-edge.X"]');
    expect(await edge.getAttribute('data-scale')).toBe('grey');
    const bg = async (row: number, col: number): Promise<string> =>
      edge.locator(`[data-row="${row}"][data-col="${col}"]`).evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(await bg(0, 0)).toBe('rgb(255, 255, 255)');
    expect(await bg(0, 2)).toBe('rgb(0, 0, 0)');
    expect(await page.locator('[data-testid="heatmap-edge.Y"]').getAttribute('data-scale')).toBe('diverging');
    expect(await heatmap(page, 'heatmap-edge.Y')).toEqual(
      corr2d(tensor(Array.from({ length: 6 }, () => [1, 1, 0, 0, 0, 0, 1, 1])), tensor([[1, -1]])).toArray(),
    );
    await page.screenshot({ path: join(shots, 'guide-d2l.png'), fullPage: true });
    expectNoProblems();
  }, 120_000);
});

describe('the playground', () => {
  test('full width, grey images, every preset equals corr2d, receptive windows both ways', async () => {
    const page = await newPage();
    await page.goto(`${site}/playground`, { waitUntil: 'networkidle' });
    await page.locator('[data-testid="heatmap-Y"]').waitFor();
    // X, K and Y side by side at 1280 px: nothing wraps under a dangling "=".
    const top = async (id: string) => (await page.locator(`[data-testid="${id}"]`).boundingBox())?.y;
    expect(await top('heatmap-Y')).toBe(await top('heatmap-X'));
    // The backend line sits below the images.
    expect((await page.locator('[data-testid="backend"]').boundingBox())?.y).toBeGreaterThan(
      ((await page.locator('[data-testid="heatmap-X"]').boundingBox())?.y ?? 0) + 100,
    );
    expect(await page.locator('[data-testid="heatmap-X"]').getAttribute('data-scale')).toBe('grey');
    const check = async (label: string): Promise<void> => {
      const X = await heatmap(page, 'heatmap-X');
      const K = await heatmap(page, 'heatmap-K');
      const Y = await heatmap(page, 'heatmap-Y');
      expect(Y, label).toEqual(corr2d(tensor(X), tensor(K)).toArray());
    };
    for (const img of ['edge', 'diagonal', 'step']) {
      await page.selectOption('[data-testid="image-select"]', img);
      for (const k of ['edge', 'edgeT', 'laplacian', 'blur', 'directional']) {
        await page.selectOption('[data-testid="kernel-select"]', k);
        expect(await page.locator('[data-testid="mode-note"]').textContent()).not.toBe('');
        await check(`${img} with ${k}`);
      }
    }
    await page.selectOption('[data-testid="image-select"]', 'edge');
    await page.selectOption('[data-testid="kernel-select"]', 'edge');
    expect((await heatmap(page, 'heatmap-Y'))[0]).toEqual([0, 1, 0, 0, 0, -1, 0]);
    // Hovering Y[1, 2] outlines the window X[1, 2..3]; hovering X[3, 4] outlines Y[3, 3..4].
    await page.locator('[data-testid="heatmap-Y"] [data-row="1"][data-col="2"]').hover();
    expect(await page.locator('[data-testid="heatmap-Y"] [data-testid="hover"]').textContent()).toMatch(
      /^Y\[1, 2\] = 0$/,
    );
    expect(await outlined(page, 'heatmap-X')).toEqual(['1,2', '1,3']);
    expect(await outlined(page, 'heatmap-K')).toEqual(['0,0', '0,1']);
    await page.locator('[data-testid="heatmap-X"] [data-row="3"][data-col="4"]').hover();
    expect(await outlined(page, 'heatmap-Y')).toEqual(['3,3', '3,4']);
    await page.mouse.move(0, 0);
    expect(await outlined(page, 'heatmap-Y')).toEqual([]);
    await page.screenshot({ path: join(shots, 'playground-kernels.png'), fullPage: true });
    expectNoProblems();
  }, 120_000);

  test('padding, stride and dilation: conv2d’s output, the live shape formula and windows', async () => {
    const page = await newPage();
    await page.goto(`${site}/playground`, { waitUntil: 'networkidle' });
    await page.selectOption('[data-testid="kernel-select"]', 'laplacian');
    for (const [p, s, d] of [
      [1, 1, 1],
      [2, 2, 1],
      [1, 3, 2],
    ]) {
      await page.locator('[data-testid="padding"]').fill(String(p));
      await page.locator('[data-testid="stride"]').fill(String(s));
      await page.locator('[data-testid="dilation"]').fill(String(d));
      const X = await heatmap(page, 'heatmap-X');
      const K = await heatmap(page, 'heatmap-K');
      const Y = await heatmap(page, 'heatmap-Y');
      const ref = conv2d(tensor([[X]]), tensor([[K]]), null, { padding: p, stride: s, dilation: d });
      expect(Y, `p${p} s${s} d${d}`).toEqual((ref.toArray() as number[][][][])[0][0]);
      const c = { padding: p, stride: s, dilation: d };
      const formula = (await page.locator('[data-testid="shape-formula"]').textContent()) ?? '';
      expect(formula).toContain(`= ${outputSize(6, 3, c)}`);
      expect(formula).toContain(`= ${outputSize(8, 3, c)}`);
    }
    // Y[0, 0] with padding 1, stride 3, dilation 2 reads X rows/cols -1, 1, 3: the padding is not drawn.
    await page.locator('[data-testid="heatmap-Y"] [data-row="0"][data-col="0"]').hover();
    expect(await outlined(page, 'heatmap-X')).toEqual(['1,1', '1,3', '3,1', '3,3']);
    expectNoProblems();
  });

  test('keyboard: arrow keys move through X, Enter draws, focus outlines windows', async () => {
    const page = await newPage();
    await page.goto(`${site}/playground`, { waitUntil: 'networkidle' });
    await page.selectOption('[data-testid="image-select"]', 'draw');
    await page.locator('[data-testid="heatmap-X"] [data-row="0"][data-col="0"]').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect((await heatmap(page, 'heatmap-X'))[1][1]).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-col'))).toBe('1');
    await page.keyboard.press('Space');
    expect((await heatmap(page, 'heatmap-X'))[1][1]).toBe(0);
    // Tab reaches Y; its focused cell outlines its window in X.
    await page.locator('[data-testid="heatmap-Y"] [tabindex="0"]').focus();
    await page.keyboard.press('ArrowRight');
    expect(await outlined(page, 'heatmap-X')).toEqual(['0,1', '0,2']);
    expectNoProblems();
  });

  test('phone with touch: no overflow, taps clear, shrinking the grid keeps Y', async () => {
    const page = await newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await page.goto(`${site}/playground`, { waitUntil: 'networkidle' });
    await page.locator('[data-testid="heatmap-Y"]').waitFor();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    // The crash: the diagonal image, tap Y[6, 6], switch to the smaller edge image.
    await page.selectOption('[data-testid="image-select"]', 'diagonal');
    const y66 = page.locator('[data-testid="heatmap-Y"] [data-row="6"][data-col="6"]');
    await y66.scrollIntoViewIfNeeded();
    await y66.tap();
    await page.selectOption('[data-testid="image-select"]', 'edge');
    expect(await heatmap(page, 'heatmap-Y')).toHaveLength(6);
    // A touch shows the value and window while the finger is down, and clears when it lifts.
    const cell = page.locator('[data-testid="heatmap-Y"] [data-row="2"][data-col="1"]');
    await cell.dispatchEvent('pointerdown', { pointerType: 'touch', isPrimary: true, bubbles: true });
    expect(await page.locator('[data-testid="heatmap-Y"] [data-testid="hover"]').textContent()).toBe('Y[2, 1] = 1');
    expect(await outlined(page, 'heatmap-X')).toEqual(['2,1', '2,2']);
    await cell.dispatchEvent('pointerup', { pointerType: 'touch', isPrimary: true, bubbles: true });
    expect((await page.locator('[data-testid="heatmap-Y"] [data-testid="hover"]').textContent())?.trim()).toBe('');
    expect(await outlined(page, 'heatmap-X')).toEqual([]);
    // Drawing by tapping, and a 1×10 kernel, still without overflowing the screen.
    await page.selectOption('[data-testid="image-select"]', 'draw');
    await page.locator('[data-testid="heatmap-X"] [data-row="2"][data-col="3"]').tap();
    expect((await heatmap(page, 'heatmap-X'))[2][3]).toBe(1);
    await page.selectOption('[data-testid="kernel-select"]', 'custom');
    await page.locator('[data-testid="kernel-text"]').fill('[[1, 1, 1, 1, 1, 1, 1, 1, 1, -9]]');
    await page.locator('[data-testid="corr-error"]').waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.locator('[data-testid="kernel-text"]').fill('[[1, 1, 1, 1, 1, 1, -6]]');
    await page.locator('[data-testid="heatmap-Y"]').waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(shots, 'playground-phone.png'), fullPage: true });
    expectNoProblems();
  });

  test('"learn the kernel" reproduces PyTorch’s losses and ends below 0.1', async () => {
    const page = await newPage();
    await page.goto(`${site}/playground`, { waitUntil: 'networkidle' });
    // Learn with the WebAssembly module loaded: the numbers must not move.
    await page.locator('[data-testid="backend"][data-state="ready"][data-wasm="true"]').waitFor({ timeout: 60_000 });
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
    const K = await heatmap(page, 'heatmap-learn-K');
    expect(K[0][0]).toBeGreaterThan(0.9);
    expect(K[0][1]).toBeLessThan(-0.9);
    expect(await page.locator('[data-testid="loss-chart"] circle').count()).toBe(run.epochs);
    await page.locator('#learn-the-kernel').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'playground-learn.png'), fullPage: true });
    expectNoProblems();
  });

  test('without a WebGPU adapter the device switch says why and keeps WebGPU disabled', async () => {
    const page = await newPage();
    await page.goto(`${site}/playground`, { waitUntil: 'networkidle' });
    const status = page.locator('[data-testid="webgpu-status"][data-available="false"]');
    await status.waitFor({ timeout: 30_000 });
    // This browser runs with --disable-gpu: the named error of initWebGPU, not a silent CPU run.
    expect(await status.textContent()).toMatch(/WebGPU is not available here: initWebGPU: /);
    expect(await page.locator('[data-testid="device-select"] option[value="webgpu"]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid="device-select"]').inputValue()).toBe('cpu');
    expectNoProblems();
  });

  test('"learn the kernel" on the WebGPU device (SwiftShader) gives PyTorch’s losses', async () => {
    // A second Chromium with a software WebGPU adapter, as the webgpu package's browser test runs it.
    const gpuBrowser = await chromium.launch({
      executablePath: CHROMIUM ?? undefined,
      headless: true,
      args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader'],
    });
    try {
      const page = await newPage({}, gpuBrowser);
      await page.goto(`${site}/playground`, { waitUntil: 'networkidle' });
      const status = page.locator('[data-testid="webgpu-status"][data-available="true"]');
      await status.waitFor({ timeout: 60_000 });
      expect(await status.textContent()).toMatch(/WebGPU adapter: .*swiftshader/i);
      const run = golden.cases.learn_kernel.find((r) => r.init[0][0] === -0.375 && r.init[0][1] === 0.125);
      if (!run) throw new Error('d2l.json has no learn_kernel run from [[-0.375, 0.125]]');
      await page.locator('[data-testid="device-select"]').selectOption('webgpu');
      await page.locator('[data-testid="learn"]').click();
      await page
        .locator('[data-testid="learn-state"][data-state="done"][data-device="webgpu"]')
        .waitFor({ timeout: 120_000 });
      const losses = await page
        .locator('[data-testid="loss-table"] tbody tr')
        .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-loss'))));
      expect(losses).toHaveLength(run.epochs);
      losses.forEach((l, i) => {
        // float32 on the GPU, summed in another order than PyTorch's CPU: within 1e-4 relative.
        expect(Math.abs(l - run.loss_per_epoch[i]), `epoch ${i + 1}`).toBeLessThanOrEqual(
          1e-4 * Math.max(1, Math.abs(run.loss_per_epoch[i])),
        );
      });
      const K = await heatmap(page, 'heatmap-learn-K');
      expect(K[0][0]).toBeGreaterThan(0.9);
      expect(K[0][1]).toBeLessThan(-0.9);
      // The GPU really ran: the page's own report of the last WebGPU kernel.
      const lastKernel = await page.evaluate(() =>
        document.querySelector('[data-testid="learn-state"]')?.getAttribute('data-gpu-kernel'),
      );
      expect(lastKernel).toMatch(/^webgpu-/);
      expectNoProblems();
    } finally {
      await gpuBrowser.close();
    }
  });
});
