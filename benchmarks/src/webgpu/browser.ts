// The Chromium half of `pnpm bench:webgpu`: Debian's /usr/bin/chromium, headless, with WebGPU on
// the SwiftShader adapter (the flags of issue 13), through playwright-core. The page (page.ts) is
// bundled with esbuild and served with the ONNX models and onnxruntime-web's WebAssembly files;
// nothing is downloaded.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { closeServer, contentType, type ServedFile, serveFiles } from '../browser/server.js';
import { ortModelFor } from './models.js';
import type { GpuBenchPage } from './page.js';
import type { GpuResult, GpuWorkload } from './workloads.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The browser, and the flags that give headless Chromium a WebGPU adapter (SwiftShader without a GPU). */
export const CHROMIUM = process.env.TORCHLET_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_WEBGPU_ARGS = [
  '--headless',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-webgpu-adapter=swiftshader',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
];

const PAGE_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>torchlet webgpu benchmark</title>
<link rel="icon" href="data:,"></head><body><script type="module" src="/bench.js"></script></body></html>`;

async function pageFiles(workloads: readonly GpuWorkload[]): Promise<Map<string, ServedFile>> {
  const bundle = await build({
    entryPoints: [path.join(here, 'page.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'error',
  });
  const files = new Map<string, ServedFile>([
    ['/', { type: contentType('.html'), body: PAGE_HTML }],
    ['/bench.js', { type: contentType('.js'), body: bundle.outputFiles[0].contents }],
  ]);
  const ortDist = path.dirname(require.resolve('onnxruntime-web'));
  for (const name of readdirSync(ortDist).filter((n) => /^ort-wasm.*\.(wasm|mjs)$/.test(n))) {
    const type = name.endsWith('.mjs') ? 'text/javascript' : contentType(path.extname(name));
    files.set(`/ort/${name}`, { type, body: readFileSync(path.join(ortDist, name)) });
  }
  for (const [i, w] of workloads.entries()) {
    const m = ortModelFor(w);
    if (m) files.set(`/models/${i}.onnx`, { type: 'application/octet-stream', body: m.model });
  }
  return files;
}

/** Runs the workloads in Chromium; returns the adapter and the results. */
export async function runChromium(
  workloads: readonly GpuWorkload[],
  runs: number,
  log: (line: string) => void,
): Promise<{ adapter: Record<string, string>; results: GpuResult[]; problems: string[] }> {
  const files = await pageFiles(workloads);
  const { server, url } = await serveFiles(files);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_WEBGPU_ARGS });
  const problems: string[] = [];
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text().slice(0, 300)}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message.slice(0, 300)}`));
    page.setDefaultTimeout(0);
    await page.goto(`${url}/`);
    await page.waitForFunction(() => (globalThis as { torchletGpuBench?: unknown }).torchletGpuBench !== undefined);
    const adapter = await page.evaluate(() =>
      (globalThis as unknown as { torchletGpuBench: GpuBenchPage }).torchletGpuBench.adapter(),
    );
    log(`chromium: adapter ${adapter.vendor} / ${adapter.architecture} (${adapter.description})`);
    const results: GpuResult[] = [];
    for (const [i, w] of workloads.entries()) {
      const m = ortModelFor(w);
      const args = [w, m ? `/models/${i}.onnx` : null, m ? [...m.inShape] : null, m?.inputSeed ?? 0, runs] as const;
      const r = await page.evaluate(
        ([wl, modelPath, inShape, seed, n]) =>
          (globalThis as unknown as { torchletGpuBench: GpuBenchPage }).torchletGpuBench.run(
            wl,
            modelPath,
            inShape,
            seed,
            n,
          ),
        args as unknown as [GpuWorkload, string | null, number[] | null, number, number],
      );
      log(`chromium: ${w.name} ${w.shape} done`);
      results.push(r);
    }
    return { adapter, results, problems };
  } finally {
    await browser.close();
    await closeServer(server);
  }
}
