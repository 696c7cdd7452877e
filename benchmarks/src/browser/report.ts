// The browser benchmark's command line and table: the two page loads' results side by side
// (torchlet, tfjs-wasm and onnxruntime-web), with the harness's own cell formatting, ratios and
// agreement check. Pure (no browser, no timing).

import {
  bestTorchletGflops,
  type ContenderName,
  type ContenderResult,
  checkCell,
  FULL_OPTIONS,
  formatCell,
  formatRatio,
  type HarnessOptions,
  markdownTable,
  QUICK_OPTIONS,
  type WorkloadResult,
} from '../harness.js';
import type { OrtPageInfo, PageOptions } from './protocol.js';

/** The parsed command line of `pnpm bench:browser`. */
export interface BrowserCli {
  readonly quick: boolean;
  readonly runs?: number;
  /** Keep only workloads whose `name shape` contains one of these (case-insensitive). */
  readonly match: readonly string[];
}

/** The usage line. */
export const BROWSER_USAGE = 'usage: bench:browser [--quick] [--runs N] [--match text,text]';

/** Parses `[--quick] [--runs N] [--match a,b]` (a lone `--` from `pnpm x -- args` is ignored). */
export function parseBrowserArgs(argv: readonly string[]): BrowserCli | 'help' {
  let quick = false;
  let runs: number | undefined;
  let match: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue;
    if (a === '--quick') quick = true;
    else if (a === '--runs' || a.startsWith('--runs=')) {
      const v = a === '--runs' ? argv[++i] : a.slice('--runs='.length);
      runs = Number(v);
      if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${v}`);
    } else if (a === '--match' || a.startsWith('--match=')) {
      const v = a === '--match' ? argv[++i] : a.slice('--match='.length);
      match = (v ?? '').split(',').filter(Boolean);
      if (match.length === 0) throw new Error('--match: expected comma-separated parts of workload names');
    } else if (a === '--help' || a === '-h') return 'help';
    else throw new Error(`unknown argument ${a} (${BROWSER_USAGE})`);
  }
  return { quick, match, ...(runs === undefined ? {} : { runs }) };
}

/** The harness settings for the page: the Node suite's full or quick settings, `--runs` on top. */
export function pageOptions(cli: BrowserCli): PageOptions {
  const base: HarnessOptions = cli.quick ? QUICK_OPTIONS : FULL_OPTIONS;
  return { ...base, ...(cli.runs === undefined ? {} : { runs: cli.runs, runsFromCli: true }) };
}

/** One workload's results from both page loads (either may be missing, e.g. after a failed load). */
export interface BrowserRow {
  readonly family: string;
  readonly name: string;
  readonly shape: string;
  /** Load 1: tfjs-wasm on every core, torchlet on one thread and on every core. */
  readonly threaded?: WorkloadResult;
  /** Load 2: tfjs-wasm on one thread, torchlet on one thread. */
  readonly single?: WorkloadResult;
}

/** Pairs the two loads' results by workload (`name` and `shape`), in the first-seen order. */
export function mergeLoads(threaded: readonly WorkloadResult[], single: readonly WorkloadResult[]): BrowserRow[] {
  const rows = new Map<
    string,
    { family: string; name: string; shape: string; threaded?: WorkloadResult; single?: WorkloadResult }
  >();
  const key = (w: WorkloadResult): string => `${w.name}\u0000${w.shape}`;
  const row = (w: WorkloadResult) => {
    let r = rows.get(key(w));
    if (!r) {
      r = { family: w.family, name: w.name, shape: w.shape };
      rows.set(key(w), r);
    }
    return r;
  };
  for (const w of threaded) row(w).threaded = w;
  for (const w of single) row(w).single = w;
  return [...rows.values()];
}

const pick = (w: WorkloadResult | undefined, n: ContenderName): ContenderResult | undefined =>
  w?.results.find((r) => r.name === n);

const threadsLabel = (n: number | null): string => (n === null ? '' : ` (${n} thread${n === 1 ? '' : 's'})`);

/**
 * The header of {@link renderBrowserTable}. `tfjsThreads` and `ortThreads` are tfjs-wasm's and
 * onnxruntime-web's thread counts in load 1 (`tf.wasm.getThreadsCount()`, `ort.env.wasm.numThreads`),
 * shown in their columns' names.
 */
export function browserTableHeader(tfjsThreads: number | null, ortThreads: number | null = null): string[] {
  return [
    'workload',
    'shape',
    'torchlet-wasm-1t',
    'torchlet-wasm',
    `tfjs-wasm${threadsLabel(tfjsThreads)}`,
    `ort-wasm${threadsLabel(ortThreads)}`,
    '1t vs tfjs-wasm',
    'all vs tfjs-wasm',
    '1t vs ort',
    'all vs ort',
    'torchlet-wasm-1t (load 2)',
    'tfjs-wasm-1t (load 2)',
    'ort-wasm-1t (load 2)',
    '1t vs tfjs-wasm-1t',
    '1t vs ort-wasm-1t',
    'best torchlet GFLOP/s',
    'agree',
  ];
}

/**
 * Both loads' outputs checked together: every contender was compared with its load's first one
 * (torchlet-wasm-1t on the same fixed-seed data), so the worst difference over both is the cell.
 */
export function browserCheckCell(row: BrowserRow): string {
  const loads = [row.threaded, row.single].filter((w): w is WorkloadResult => w !== undefined);
  if (loads.length === 0) return '-';
  return checkCell({ ...loads[0], metric: null, results: loads.flatMap((w) => w.results) });
}

/** One row of {@link renderBrowserTable}. */
export function browserTableRow(row: BrowserRow): string[] {
  const a = row.threaded;
  const b = row.single;
  return [
    row.name,
    row.shape,
    formatCell(pick(a, 'torchlet-wasm-1t')),
    formatCell(pick(a, 'torchlet-wasm')),
    formatCell(pick(a, 'tfjs-wasm')),
    formatCell(pick(a, 'ort-wasm')),
    formatRatio(a?.speedup['torchlet-wasm-1t']?.['tfjs-wasm']),
    formatRatio(a?.speedup['torchlet-wasm']?.['tfjs-wasm']),
    formatRatio(a?.speedup['torchlet-wasm-1t']?.['ort-wasm']),
    formatRatio(a?.speedup['torchlet-wasm']?.['ort-wasm']),
    formatCell(pick(b, 'torchlet-wasm-1t')),
    formatCell(pick(b, 'tfjs-wasm')),
    formatCell(pick(b, 'ort-wasm-1t')),
    formatRatio(b?.speedup['torchlet-wasm-1t']?.['tfjs-wasm']),
    formatRatio(b?.speedup['torchlet-wasm-1t']?.['ort-wasm-1t']),
    a ? bestTorchletGflops(a) : b ? bestTorchletGflops(b) : '-',
    browserCheckCell(row),
  ];
}

/** The browser results as a Markdown table (also readable in a terminal). */
export function renderBrowserTable(
  rows: readonly BrowserRow[],
  tfjsThreads: number | null,
  ortThreads: number | null = null,
): string {
  return markdownTable(browserTableHeader(tfjsThreads, ortThreads), rows.map(browserTableRow));
}

/**
 * What did not happen as asked for onnxruntime-web's threads in one load: `ort.env.wasm.numThreads`
 * after initialisation differs from `wanted` (it sets 1 itself without cross-origin isolation), or
 * a pool of more than one thread started no pthread worker (after setup, or by the end of the load
 * when `workersAtEnd` is given), so its `ort-wasm` sessions ran on the page's thread alone.
 */
export function ortThreadWarnings(wanted: number, info: OrtPageInfo, workersAtEnd?: number): string[] {
  const w: string[] = [];
  if (info.error !== undefined) return [`onnxruntime-web did not start: ${info.error}`];
  if (info.numThreads !== wanted) {
    w.push(`onnxruntime-web: asked for ${wanted} threads, ort.env.wasm.numThreads is ${info.numThreads}`);
  }
  const workers = workersAtEnd ?? info.workers;
  if (info.numThreads > 1 && workers === 0) {
    w.push(`onnxruntime-web: a pool of ${info.numThreads} threads but no pthread worker started: one thread only`);
  }
  return w;
}
