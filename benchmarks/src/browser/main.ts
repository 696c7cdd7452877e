// `pnpm bench:browser [--quick] [--runs N] [--match a,b]`: torchlet against tfjs-wasm and
// onnxruntime-web in Chromium. Bundles page.ts with esbuild, serves it cross-origin isolated
// (server.ts) with onnxruntime-web's own files and the workloads' ONNX models (ort-models.ts),
// drives Debian's Chromium with playwright-core through two page loads (spec.ts's PAGE_LOADS: the
// peers on every core, then on one thread), prints one table and writes
// bench-results/browser-<timestamp>.json. Nothing is downloaded: the browser is /usr/bin/chromium,
// every file comes from node_modules.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { formatCell, renderNotes, type WorkloadResult, workloadMatches } from '../harness.js';
import { ortModelFiles } from './ort-models.js';
import type { BenchGlobal, PageInfo, PageOptions, PageSetup, PageWorkload } from './protocol.js';
import {
  BROWSER_USAGE,
  mergeLoads,
  ortThreadWarnings,
  pageOptions,
  parseBrowserArgs,
  renderBrowserTable,
} from './report.js';
import { closeServer, contentType, type ServedFile, serveFiles } from './server.js';
import { ORT_FILES, PAGE_LOADS, PAGE_PATHS, type PageLoad, resolveThreads, tfjsThreadCap } from './spec.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Timers and workers of a headless page must not be throttled between samples.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  // window.gc(), which the harness calls before preparing each contender.
  '--js-flags=--expose-gc',
];

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>torchlet browser benchmark</title><link rel="icon" href="data:,"></head>
<body><p>torchlet browser benchmark: driven by benchmarks/src/browser/main.ts</p>
<script type="module" src="/bench.js"></script></body></html>
`;

/** The page, its bundle, the WebAssembly binaries, onnxruntime-web's files and the models, keyed by URL path. */
async function pageFiles(): Promise<Map<string, ServedFile>> {
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
    [
      PAGE_PATHS.gemm,
      { type: contentType('.wasm'), body: readFileSync(require.resolve('@torchlet/kernels/gemm.wasm')) },
    ],
    [
      PAGE_PATHS.gemmMt,
      { type: contentType('.wasm'), body: readFileSync(require.resolve('@torchlet/kernels/gemm-mt.wasm')) },
    ],
  ]);
  const tfjsDist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const name of [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ]) {
    files.set(`${PAGE_PATHS.tfjsDir}${name}`, {
      type: contentType('.wasm'),
      body: readFileSync(path.join(tfjsDist, name)),
    });
  }
  // onnxruntime-web's package exports map only its binaries and glue, so its dist/ is found next to one.
  const ortDist = path.dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  for (const name of Object.values(ORT_FILES)) {
    files.set(`${PAGE_PATHS.ortDir}${name}`, { type: contentType(name), body: readFileSync(path.join(ortDist, name)) });
  }
  for (const [p, model] of ortModelFiles()) files.set(p, { type: contentType(p), body: model });
  return files;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/** What one page load produced. */
interface LoadReport {
  readonly id: PageLoad['id'];
  readonly setup: PageSetup;
  info?: PageInfo;
  readonly results: WorkloadResult[];
  readonly problems: string[];
  /** Isolation or thread start-up that did not happen as asked. */
  readonly warnings: string[];
  /** The Web Workers onnxruntime-web had created by the end of the load (its pthread pool). */
  ortWorkersAtEnd?: number;
}

/** Checks that the page got what the load asked for; returns what it did not. */
function setupWarnings(load: PageLoad, info: PageInfo): string[] {
  const w: string[] = [];
  if (!info.crossOriginIsolated) w.push('the page is not cross-origin isolated: no threads for either library');
  if (!info.tfjs.simd) w.push('tfjs-wasm: no SIMD');
  if (!info.tfjs.threadsSupported) w.push('tfjs-wasm: WASM_HAS_MULTITHREAD_SUPPORT is false (single-threaded build)');
  const wanted = load.tfjsThreads === 'cores' ? info.hardwareConcurrency : load.tfjsThreads;
  if (info.tfjs.threadsCount !== wanted) {
    w.push(`tfjs-wasm: asked for ${wanted} threads, XNNPACK reports ${info.tfjs.threadsCount}`);
  }
  const t = info.torchlet;
  if (t.threadsActive !== t.threads)
    w.push(`torchlet: ${String(t.threadsActive)} of ${String(t.threads)} threads active`);
  if (t.error) w.push(`torchlet: ${String(t.error)}`);
  w.push(...ortThreadWarnings(resolveThreads(load.ortThreads, info.hardwareConcurrency), info.ort));
  return w;
}

async function runLoad(
  browser: Browser,
  url: string,
  load: PageLoad,
  loadNumber: number,
  opts: PageOptions,
  match: readonly string[],
): Promise<LoadReport> {
  const setup: PageSetup = {
    tfjsThreads: load.tfjsThreads,
    torchlet: load.torchlet,
    ortThreads: load.ortThreads,
    ort: load.ort,
  };
  const report: LoadReport = { id: load.id, setup, results: [], problems: [], warnings: [] };
  const page: Page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') report.problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => report.problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) =>
    report.problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? '?'})`),
  );
  try {
    await page.goto(`${url}/`);
    await page.waitForFunction(() => (globalThis as BenchGlobal).torchletBench !== undefined, undefined, {
      timeout: 30_000,
    });
    const info = await page.evaluate((s) => (globalThis as BenchGlobal).torchletBench!.setup(s), setup);
    report.info = info;
    report.warnings.push(...setupWarnings(load, info));
    console.log(
      `load ${loadNumber} (${load.id}): crossOriginIsolated=${info.crossOriginIsolated} cores=${info.hardwareConcurrency}; ` +
        `tfjs ${info.tfjs.version} wasm simd=${info.tfjs.simd} threads=${info.tfjs.threadsSupported} ` +
        `(${info.tfjs.threadsCount} XNNPACK threads${info.tfjs.threadCapLifted ? `, its cap of hardwareConcurrency / 2 = ${tfjsThreadCap(info.hardwareConcurrency)} lifted for this load` : ''}); torchlet ${String(info.torchlet.threadsActive)}/${String(info.torchlet.threads)} threads active; ` +
        `onnxruntime-web ${info.ort.version} numThreads=${info.ort.numThreads} (${info.ort.workers} pthread workers after its probe session)`,
    );
    for (const w of report.warnings) console.log(`  WARNING: ${w}`);
    const list: PageWorkload[] = await page.evaluate(() => (globalThis as BenchGlobal).torchletBench!.list());
    for (const [index, w] of list.entries()) {
      if (!workloadMatches(w, match)) continue;
      const r = await page.evaluate(([i, o]) => (globalThis as BenchGlobal).torchletBench!.run(i, o), [
        index,
        opts,
      ] as const);
      report.results.push(r);
      const cells = r.results
        .map((c) => `${c.name === 'tfjs-wasm' && load.tfjsThreads === 1 ? 'tfjs-wasm-1t' : c.name} ${formatCell(c)}`)
        .join('  ');
      console.log(`  ${r.family} / ${r.name} / ${r.shape}: ${cells}`);
    }
    report.ortWorkersAtEnd = await page.evaluate(() => (globalThis as BenchGlobal).torchletBench!.ortWorkers());
    console.log(`  onnxruntime-web pthread workers created in this load: ${report.ortWorkersAtEnd}`);
    const late = ortThreadWarnings(
      resolveThreads(load.ortThreads, info.hardwareConcurrency),
      info.ort,
      report.ortWorkersAtEnd,
    ).filter((x) => !report.warnings.includes(x));
    for (const x of late) console.log(`  WARNING: ${x}`);
    report.warnings.push(...late);
  } catch (err) {
    report.problems.push(`load failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    console.log(`load ${loadNumber} (${load.id}) failed: ${report.problems.at(-1)}`);
  } finally {
    await page.close();
  }
  return report;
}

async function main(): Promise<void> {
  const cli = parseBrowserArgs(process.argv.slice(2));
  if (cli === 'help') {
    console.log(BROWSER_USAGE);
    return;
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium); no browser is downloaded`,
    );
  }
  const opts = pageOptions(cli);
  const files = await pageFiles();
  const { server, url } = await serveFiles(files);
  const started = new Date();
  const loadBefore = os.loadavg();
  let browser: Browser | undefined;
  const loads: LoadReport[] = [];
  let chromiumVersion = '';
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    chromiumVersion = browser.version();
    console.log(
      `torchlet browser benchmarks ${started.toISOString()}  Chromium ${chromiumVersion}  ${os.cpus()[0]?.model ?? 'unknown'} x${os.availableParallelism()}  ` +
        `load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}  ` +
        `${cli.quick ? 'QUICK (smoke test, not for quoting)' : `median of ${opts.runs} runs`}\n`,
    );
    for (const [i, load] of PAGE_LOADS.entries()) loads.push(await runLoad(browser, url, load, i + 1, opts, cli.match));
  } finally {
    await browser?.close();
    await closeServer(server);
  }

  const threaded = loads.find((l) => l.id === 'threaded');
  const single = loads.find((l) => l.id === 'single');
  const rows = mergeLoads(threaded?.results ?? [], single?.results ?? []);
  console.log(
    `\n${renderBrowserTable(rows, threaded?.info?.tfjs.threadsCount ?? null, threaded?.info?.ort.numThreads ?? null)}\n`,
  );
  console.log(
    'Times are per call (median). Load 1: tfjs-wasm (threaded SIMD build) on every core ' +
      '(setThreadsCount(navigator.hardwareConcurrency); tfjs caps its pool at hardwareConcurrency / 2, so the page ' +
      'reports twice the count while tfjs initialises) against torchlet on ' +
      'one thread and on every core; load 2: a fresh page with tfjs-wasm on one thread (setThreadsCount(1)) against ' +
      'torchlet on one thread (tfjs-wasm initialises once per page). onnxruntime-web (its WebAssembly SIMD build, ' +
      'the wasm execution provider) runs every session on its pthread pool of ort.env.wasm.numThreads ' +
      '(intraOpNumThreads is ignored by its threaded build): every core in load 1 (ort-wasm), one thread in ' +
      'load 2 (ort-wasm-1t). "1t vs X" / "all vs X" = median(X) / ' +
      'median(torchlet-wasm-1t / torchlet-wasm) in the same load: above 1 means torchlet is faster.',
  );
  console.log('"agree" = largest |difference| from torchlet-wasm-1t over both loads, relative to max(1, max |value|).');
  for (const l of loads) {
    for (const n of renderNotes(l.results)) console.log(`  note (load ${l.id}): ${n}`);
    for (const p of l.problems) console.log(`  problem (load ${l.id}): ${p}`);
  }

  const outDir = path.resolve(here, '..', '..', 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `browser-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  const report = {
    date: started.toISOString(),
    command: `node ${process.argv
      .slice(1)
      .map((a) => path.relative(process.cwd(), a) || a)
      .join(' ')}`,
    commit: gitCommit(),
    node: process.version,
    chromium: chromiumVersion,
    chromiumArgs: CHROMIUM_ARGS,
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.availableParallelism(),
      memoryGB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.arch()}`,
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg(),
    },
    options: opts,
    note:
      "In load 'single' the contender named tfjs-wasm is tfjs-wasm on one thread (tfjs-wasm-1t in the table). " +
      'Memory is not measured in the page: peakRssMB is null.',
    loads,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
  if (loads.some((l) => l.results.length === 0 && l.problems.length > 0)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
