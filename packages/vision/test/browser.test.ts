// The browser image readers in a real Chromium: fromImage on an ImageBitmap, a data-URL <img> and a
// canvas, and fromImageData on a canvas's getImageData, through the package's browser entry bundled
// by esbuild and served over HTTP. Fails (never skips) without Chromium or when the page errors.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';

/** The 3x2 test image, row by row, RGBA. Alpha 51 with channels 0/255 survives canvas premultiplication. */
const PIXELS = [
  [255, 0, 0, 255],
  [0, 255, 0, 255],
  [0, 0, 255, 255],
  [17, 34, 51, 255],
  [200, 100, 50, 255],
  [255, 0, 255, 51],
];
const WIDTH = 3;
const HEIGHT = 2;

/** PIL's `convert('L')` of each pixel: (R*19595 + G*38470 + B*7471 + 0x8000) >> 16, worked out by hand. */
const LUMA = [76, 150, 29, 31, 124, 105];

const rows = <T>(perPixel: T[]): T[][] => [perPixel.slice(0, WIDTH), perPixel.slice(WIDTH)];

/** What the page runs: draws the image, makes the three sources, reads each in every mode. */
const PAGE_SCRIPT = `(async () => {
  const v = await import('/vision.js');
  const pixels = ${JSON.stringify(PIXELS)};
  const canvas = document.createElement('canvas');
  canvas.width = ${WIDTH};
  canvas.height = ${HEIGHT};
  const ctx = canvas.getContext('2d');
  ctx.putImageData(new ImageData(new Uint8ClampedArray(pixels.flat()), ${WIDTH}, ${HEIGHT}), 0, 0);
  const bitmap = await createImageBitmap(canvas);
  const img = new Image();
  img.src = canvas.toDataURL('image/png');
  await img.decode();
  const sources = { bitmap, img, canvas };
  const read = (tensor) => ({ shape: tensor.shape, dtype: tensor.dtype, values: tensor.toArray() });
  const out = {};
  for (const mode of ['RGB', 'RGBA', 'L']) {
    for (const [name, source] of Object.entries(sources)) out[name + ':' + mode] = read(v.fromImage(source, { mode }));
    out['imageData:' + mode] = read(v.fromImageData(ctx.getImageData(0, 0, ${WIDTH}, ${HEIGHT}), { mode }));
  }
  const chw = v.toTensor(v.fromImage(bitmap, { mode: 'RGBA' }));
  out.toTensor = { shape: chw.shape, dtype: chw.dtype, values: Array.from(chw.toTypedArray()) };
  let badMode = '';
  try { v.fromImage(canvas, { mode: 'CMYK' }); } catch (e) { badMode = e.name + ': ' + e.message; }
  out.badMode = badMode;
  return out;
})()`;

let server: Server;
let origin = '';
let browser: Browser;

beforeAll(async () => {
  // `pnpm test` provisions Chromium first (tools/ci/chromium.mjs); a package's tests may not import
  // outside the package (the layering test), so they read the same path webgpu's browser test reads.
  const executablePath = process.env.TORCHLET_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(`${executablePath} is missing: run \`node tools/ci/chromium.mjs\` (or set TORCHLET_CHROMIUM)`);
  // The package's browser entry (src/index.ts, with its workspace dependencies from source) as one ES module.
  const bundle = await build({
    entryPoints: [join(import.meta.dirname, '..', 'src', 'index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@torchlet/source'],
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0].contents;
  server = createServer((req, res) => {
    if (req.url === '/')
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>vision</title>');
    else if (req.url === '/vision.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (req.url === '/favicon.ico') res.writeHead(204).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

test('in Chromium: fromImage (ImageBitmap, <img>, canvas) and fromImageData read exact pixels in RGB, RGBA and L', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
  });
  await page.goto(`${origin}/`);
  // A string, so vitest's module transform leaves the page's import() alone; a rejection fails the test.
  const out = (await page.evaluate(PAGE_SCRIPT)) as Record<
    string,
    { shape: number[]; dtype: string; values: unknown }
  > & {
    badMode: string;
  };
  expect(errors).toEqual([]);
  const expected = {
    RGB: { shape: [HEIGHT, WIDTH, 3], values: rows(PIXELS.map((p) => p.slice(0, 3))) },
    RGBA: { shape: [HEIGHT, WIDTH, 4], values: rows(PIXELS) },
    L: { shape: [HEIGHT, WIDTH, 1], values: rows(LUMA.map((l) => [l])) },
  };
  for (const [mode, want] of Object.entries(expected)) {
    for (const source of ['bitmap', 'img', 'canvas', 'imageData']) {
      expect(out[`${source}:${mode}`], `${source} ${mode}`).toEqual({ ...want, dtype: 'int32' });
    }
  }
  // toTensor: CHW float32 in [0, 1], channel-major.
  const chw = [0, 1, 2, 3].flatMap((c) => PIXELS.map((p) => Math.fround(p[c] / 255)));
  expect(out.toTensor).toEqual({ shape: [4, HEIGHT, WIDTH], dtype: 'float32', values: chw });
  expect(out.badMode).toMatch(/^TorchletError: .*fromImage.*mode/);
  await page.close();
}, 60_000);
