// The benchmark harness: warm-up, calibrated inner repetitions, alternating samples across the
// contenders in one process, medians, GFLOP/s, ratios, RSS and a printed table.
//
// Why alternate: on a shared 2-core machine the load changes over seconds; running torchlet's ten
// samples and then tfjs's ten would charge one side with the other's background noise. Each round
// takes one sample of every contender, in a shuffled order so no contender always runs first or
// always after the same neighbour.

/**
 * The configurations measured: torchlet three ways (`torchlet-js`: `setBackend('js')`, the
 * TypeScript kernels; `torchlet-wasm-1t`: WebAssembly SIMD on one thread; `torchlet-wasm`:
 * WebAssembly SIMD on every core), then tfjs's cpu and wasm backends. Ratios are quoted for the
 * two WebAssembly torchlet configurations against each tfjs backend.
 */
export type TorchletName = 'torchlet-js' | 'torchlet-wasm-1t' | 'torchlet-wasm';
/** A tfjs backend contender. */
export type TfjsName = 'tfjs-cpu' | 'tfjs-wasm';
/**
 * onnxruntime-web's WebAssembly SIMD build (the `wasm` execution provider): one session with one
 * intra-op thread, one with every core (the `nets` family only, see ort.ts).
 */
export type OrtName = 'ort-wasm-1t' | 'ort-wasm';
/**
 * PyTorch (when a Python with torch is installed; see pytorch.ts) in a subprocess, on one thread
 * and on every core (the `wholenets` family and the LeNet batch-32 epoch only).
 */
export type PyTorchName = 'pytorch-1t' | 'pytorch';
/** Any contender. */
export type ContenderName = TorchletName | TfjsName | OrtName | PyTorchName;

/** The torchlet configurations in table order. */
export const TORCHLET_NAMES: readonly TorchletName[] = ['torchlet-js', 'torchlet-wasm-1t', 'torchlet-wasm'];
/** The tfjs backends in table order. */
export const TFJS_NAMES: readonly TfjsName[] = ['tfjs-cpu', 'tfjs-wasm'];
/** The contenders in table order. */
export const CONTENDER_NAMES: readonly ContenderName[] = [...TORCHLET_NAMES, ...TFJS_NAMES];

/** Short labels of the contenders for compact cells (`js / 1t / all / cpu / wasm`). */
export const SHORT_NAMES: Readonly<Record<ContenderName, string>> = {
  'torchlet-js': 'js',
  'torchlet-wasm-1t': '1t',
  'torchlet-wasm': 'all',
  'tfjs-cpu': 'cpu',
  'tfjs-wasm': 'wasm',
  'ort-wasm-1t': 'ort1t',
  'ort-wasm': 'ort',
  'pytorch-1t': 'pt1t',
  pytorch: 'pt',
};

/** The ratio columns of the table: `[torchlet configuration, tfjs backend]`, read "a vs b". */
export const RATIO_COLUMNS: readonly (readonly [TorchletName, TfjsName])[] = [
  ['torchlet-wasm-1t', 'tfjs-wasm'],
  ['torchlet-wasm', 'tfjs-wasm'],
  ['torchlet-wasm-1t', 'tfjs-cpu'],
  ['torchlet-wasm', 'tfjs-cpu'],
];

/** One contender, ready to run: inputs built, layouts converted, backend chosen. */
export interface Prepared {
  /** Called outside the timed region before every sample (e.g. `tf.setBackend`). */
  readonly enter?: () => void | Promise<void>;
  /**
   * One complete call: the result's values must be computed when it returns (tfjs: `dataSync()`).
   * A call may return a promise (tfjs-layers' `model.fit`); the harness awaits it inside the timing.
   */
  readonly run: () => unknown;
  /**
   * `reps` calls in one go, when a contender runs elsewhere (onnxruntime-web's 1-thread runtime in
   * a worker thread): the harness times it instead of `reps` calls of {@link run}, so the message
   * round trip is paid once per sample rather than once per call.
   */
  readonly runMany?: (reps: number) => Promise<unknown>;
  /** The result in the canonical (PyTorch NCHW) layout, read once outside timing to check agreement. */
  readonly output?: () => ArrayLike<number> | Promise<ArrayLike<number>>;
  /**
   * A sanity number read once after the last sample, outside timing (e.g. the test accuracy after
   * a training epoch), shown under the workload's {@link Workload.metric} label.
   */
  readonly metric?: () => number | Promise<number>;
  /** Frees what `prepare` allocated (tfjs tensors). */
  readonly dispose?: () => void;
}

/** A contender of a workload: builds its inputs lazily so a missing kernel or stub fails here. */
export interface Contender {
  readonly name: ContenderName;
  readonly prepare: () => Prepared | Promise<Prepared>;
  /** Set when one call is known to take minutes: `--quick` and `--skip-slow` skip this contender. */
  readonly slow?: boolean;
  /** The threads this contender computes on, when known (recorded in the results JSON). */
  readonly threads?: () => number;
}

/** One measured problem, e.g. conv2d forward on the LeNet shape. */
export interface Workload {
  readonly family: string;
  /** The op, e.g. `conv2d forward`. */
  readonly name: string;
  /** The shapes, e.g. `LeNet conv1 [64,1,28,28] * [6,1,5,5] pad 2`. */
  readonly shape: string;
  /** Floating-point operations of one call, where defined (conv, matmul). */
  readonly flops?: number;
  readonly contenders: readonly Contender[];
  /**
   * This workload's own run settings, given the CLI's: e.g. a training epoch lasts seconds, so it
   * takes 3 samples with no warm-up loop. Unset: the CLI's settings as they are.
   */
  readonly settings?: (opts: HarnessOptions) => Partial<HarnessOptions>;
  /** What the contenders' {@link Prepared.metric} measures, e.g. `test acc`. */
  readonly metric?: string;
}

/** Run-length settings. `now` and `rss` are injectable so tests can drive the harness deterministically. */
export interface HarnessOptions {
  /** Samples per contender (each sample is the mean of `reps` calls). */
  readonly runs: number;
  /** Warm-up time per contender before calibration. */
  readonly warmupMs: number;
  /** A sample lasts at least this long: tiny workloads repeat the call inside one sample. */
  readonly minSampleMs: number;
  /** A first call slower than this counts as a sample and skips the warm-up loop. */
  readonly slowCallMs: number;
  /** Upper bound on one contender's measuring time; very slow contenders get fewer runs (at least 1). */
  readonly budgetMs: number;
  /** Skip contenders marked `slow` (`--quick`, `--skip-slow`). */
  readonly skipSlow?: boolean;
  /** `runs` was given on the command line (`--runs N`): workload {@link Workload.settings} keep it. */
  readonly runsFromCli?: boolean;
  readonly now?: () => number;
  readonly rss?: () => number;
  readonly gc?: () => void;
}

/** Default settings: the median of 10 samples of >= 5 ms each. */
export const FULL_OPTIONS: HarnessOptions = {
  runs: 10,
  warmupMs: 300,
  minSampleMs: 5,
  slowCallMs: 5_000,
  budgetMs: 60_000,
};

/** `--quick`: a smoke test that every workload runs, not numbers to quote. */
export const QUICK_OPTIONS: HarnessOptions = {
  runs: 3,
  warmupMs: 20,
  minSampleMs: 5,
  slowCallMs: 300,
  budgetMs: 2_000,
  skipSlow: true,
};

/** Why a contender has no number. */
export type ContenderStatus = 'ok' | 'no-kernel' | 'not-implemented' | 'skipped' | 'error';

/** What one contender measured on one workload. */
export interface ContenderResult {
  readonly name: ContenderName;
  readonly status: ContenderStatus;
  /** The error message when status is not `ok`. */
  readonly note?: string;
  /** Per-call times in ms, one per sample. */
  readonly samplesMs: readonly number[];
  /** Calls per sample. */
  readonly reps: number;
  readonly medianMs: number | null;
  readonly minMs: number | null;
  /** Interquartile range over the median: the spread of the samples. */
  readonly relIqr: number | null;
  readonly gflops: number | null;
  /** Largest `process.memoryUsage().rss` seen right after this contender's samples. */
  readonly peakRssMB: number | null;
  /** max |this - reference| / max(1, max |reference|), null when not compared. */
  readonly relDiff: number | null;
  /** The workload's sanity number ({@link Prepared.metric}), null when it has none. */
  readonly metric: number | null;
  /** The threads the contender computed on (its {@link Contender.threads}), null when unknown. */
  readonly threads?: number | null;
}

/** What one workload measured. */
export interface WorkloadResult {
  readonly family: string;
  readonly name: string;
  readonly shape: string;
  readonly flops: number | null;
  /** The label of {@link ContenderResult.metric}, null when the workload has none. */
  readonly metric: string | null;
  /** The settings the workload ran with (the CLI's, adjusted by {@link Workload.settings}). */
  readonly settings: {
    readonly runs: number;
    readonly warmupMs: number;
    readonly slowCallMs: number;
    readonly budgetMs: number;
  };
  readonly results: readonly ContenderResult[];
  /** `speedup[a][b]` = median(b) / median(a): how many times faster a is than b. */
  readonly speedup: Readonly<Partial<Record<ContenderName, Partial<Record<ContenderName, number | null>>>>>;
  /** Which contender's output the others were compared with. */
  readonly reference: ContenderName | null;
  /** The process's high-water RSS (`resourceUsage().maxRSS`) after this workload; NaN without a `process` (a page). */
  readonly processMaxRssMB: number;
}

// ---- statistics ----------------------------------------------------------------------------

/** The median of a non-empty list (the mean of the middle two for even lengths). */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Linear-interpolated quantile `q` in [0, 1] of a non-empty list (NumPy's default method). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new Error('quantile: empty sample');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must be in [0, 1], got ${q}`);
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** How many times faster `a` is than `b` given their times: `bMs / aMs` (> 1 means a is faster). */
export function speedup(aMs: number | null, bMs: number | null): number | null {
  if (aMs === null || bMs === null || !(aMs > 0) || !(bMs > 0)) return null;
  return bMs / aMs;
}

/** Output size of a convolution/pooling window along one dimension (PyTorch's formula). */
export function convOutSize(inSize: number, kernel: number, pad: number, stride = 1, dilation = 1): number {
  return Math.floor((inSize + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Geometry of a conv for FLOP counting. */
export interface ConvFlopShape {
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly outH: number;
  readonly outW: number;
  readonly kh: number;
  readonly kw: number;
  readonly groups?: number;
}

/**
 * FLOPs of a conv2d forward: one multiply and one add per weight per output element,
 * `2 * N * Cout * Hout * Wout * (Cin / groups) * kh * kw`. The input and weight gradients
 * each do the same number of multiply-adds, so the same count is used for them.
 */
export function convFlops(s: ConvFlopShape): number {
  const groups = s.groups ?? 1;
  return 2 * s.batch * s.outChannels * s.outH * s.outW * (s.inChannels / groups) * s.kh * s.kw;
}

/** FLOPs of `[m, k] @ [k, n]`: `2 * m * n * k`. */
export function matmulFlops(m: number, n: number, k: number): number {
  return 2 * m * n * k;
}

/** GFLOP/s of `flops` done in `ms` milliseconds. */
export function gflops(flops: number | undefined | null, ms: number | null): number | null {
  if (flops === undefined || flops === null || ms === null || !(ms > 0)) return null;
  return flops / (ms * 1e6);
}

/** Largest |a - b| over max(1, max |b|); null when lengths differ. */
export function relativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  if (a.length !== b.length) return null;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= diff)) diff = d; // NaN-propagating max
    const m = Math.abs(b[i]);
    if (m > scale) scale = m;
  }
  return diff / scale;
}

/** Sorts a failure into the table's categories: a peer without the kernel, a torchlet stub, or a real error. */
export function classifyError(err: unknown): { status: ContenderStatus; note: string } {
  const message = err instanceof Error ? err.message : String(err);
  const note = message.split('\n')[0];
  if (/not registered for backend|no kernel|not yet implemented for/i.test(message))
    return { status: 'no-kernel', note };
  if (/not implemented yet/i.test(message)) return { status: 'not-implemented', note };
  if (/^skipped: /.test(message)) return { status: 'skipped', note };
  return { status: 'error', note };
}

// ---- running ---------------------------------------------------------------------------------

let sink: unknown;
/** The last result of any run (keeps results observable so no call can be optimised away). */
export function lastResult(): unknown {
  return sink;
}

interface State {
  readonly name: ContenderName;
  status: ContenderStatus;
  note?: string;
  prepared?: Prepared;
  samples: number[];
  reps: number;
  target: number;
  peakRss: number;
  output?: Float64Array;
  metric: number | null;
}

const defaultRss = (): number => process.memoryUsage().rss;

/**
 * The `--match` value split into patterns at its commas, except a comma between two digits inside
 * brackets, which belongs to a shape: `3x3 [1,64,56,56],stem` is `3x3 [1,64,56,56]` and `stem`, and
 * a shape may be cut short: `ResNet-18 [1,3,224,MobileNetV2 [1,3,224` is two patterns.
 */
export function splitMatchPatterns(value: string): string[] {
  const parts: string[] = [];
  const digit = (ch: string | undefined) => ch !== undefined && ch >= '0' && ch <= '9';
  let depth = 0;
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && !(depth > 0 && digit(value[i - 1]) && digit(value[i + 1]))) {
      parts.push(current);
      current = '';
      depth = 0;
    } else current += ch;
  }
  parts.push(current);
  return parts.filter((p) => p.length > 0);
}

/** Whether a workload passes `--match`: its `name shape` contains one of `patterns`, case-insensitive (none: every workload). */
export function workloadMatches(w: Pick<Workload, 'name' | 'shape'>, patterns: readonly string[]): boolean {
  const text = `${w.name} ${w.shape}`.toLowerCase();
  return patterns.length === 0 || patterns.some((p) => text.includes(p.toLowerCase()));
}

/** The CLI's settings adjusted by the workload's own ({@link Workload.settings}); `--runs` always wins. */
export function workloadOptions(w: Workload, opts: HarnessOptions): HarnessOptions {
  if (!w.settings) return opts;
  const merged: HarnessOptions = { ...opts, ...w.settings(opts) };
  return opts.runsFromCli ? { ...merged, runs: opts.runs } : merged;
}

/**
 * Measures one workload: prepares every contender, warms each up and calibrates its inner
 * repetitions, then takes alternating samples until each has `runs` (or its time budget is spent).
 */
export async function runWorkload(w: Workload, cliOpts: HarnessOptions): Promise<WorkloadResult> {
  const opts = workloadOptions(w, cliOpts);
  const now = opts.now ?? (() => performance.now());
  const rss = opts.rss ?? defaultRss;
  const states: State[] = [];

  for (const c of w.contenders) {
    const s: State = {
      name: c.name,
      status: 'ok',
      samples: [],
      reps: 1,
      target: opts.runs,
      peakRss: 0,
      metric: null,
    };
    states.push(s);
    if (c.slow && opts.skipSlow) {
      s.status = 'skipped';
      s.note = 'one call takes minutes; skipped (--quick or --skip-slow)';
      continue;
    }
    opts.gc?.();
    try {
      s.prepared = await c.prepare();
      await s.prepared.enter?.();
      await calibrate(s, s.prepared, opts, now);
      s.peakRss = Math.max(s.peakRss, rss());
      if (s.prepared.output) s.output = Float64Array.from(await s.prepared.output());
    } catch (err) {
      const { status, note } = classifyError(err);
      s.status = status;
      s.note = note;
      disposeQuietly(s);
    }
  }

  for (let round = 0; ; round++) {
    const active = states.filter((s) => s.status === 'ok' && s.samples.length < s.target);
    if (active.length === 0) break;
    for (const s of roundOrder(active, round)) {
      const p = s.prepared!;
      try {
        await p.enter?.();
        const t0 = now();
        if (p.runMany) sink = await p.runMany(s.reps);
        else {
          for (let r = 0; r < s.reps; r++) {
            const out = p.run();
            sink = out instanceof Promise ? await out : out; // no await (no microtask) for synchronous calls
          }
        }
        s.samples.push((now() - t0) / s.reps);
        s.peakRss = Math.max(s.peakRss, rss());
      } catch (err) {
        const { status, note } = classifyError(err);
        s.status = status;
        s.note = note;
      }
    }
  }
  for (const s of states) {
    const metric = s.status === 'ok' ? s.prepared?.metric : undefined;
    if (metric) {
      try {
        s.metric = await metric();
      } catch (err) {
        s.note = `metric failed: ${classifyError(err).note}`;
      }
    }
    disposeQuietly(s);
  }

  const reference = states.find((s) => s.status === 'ok' && s.output) ?? null;
  const results: ContenderResult[] = states.map((s, i) => {
    const ok = s.status === 'ok' && s.samples.length > 0;
    const threads = w.contenders[i].threads;
    const med = ok ? median(s.samples) : null;
    return {
      name: s.name,
      status: s.status,
      ...(s.note === undefined ? {} : { note: s.note }),
      samplesMs: s.samples,
      reps: s.reps,
      medianMs: med,
      minMs: ok ? Math.min(...s.samples) : null,
      relIqr: ok && med ? (quantile(s.samples, 0.75) - quantile(s.samples, 0.25)) / med : null,
      gflops: gflops(w.flops, med),
      peakRssMB: ok ? s.peakRss / 2 ** 20 : null,
      relDiff: ok && reference?.output && s.output ? relativeDiff(s.output, reference.output) : null,
      metric: s.metric,
      ...(threads === undefined ? {} : { threads: threads() }),
    };
  });
  return {
    family: w.family,
    name: w.name,
    shape: w.shape,
    flops: w.flops ?? null,
    metric: w.metric ?? null,
    settings: { runs: opts.runs, warmupMs: opts.warmupMs, slowCallMs: opts.slowCallMs, budgetMs: opts.budgetMs },
    results,
    speedup: speedupMatrix(results),
    reference: reference?.name ?? null,
    // A page has no process (browser/page.ts): NaN, as no RSS was measured.
    processMaxRssMB: typeof process === 'undefined' ? Number.NaN : process.resourceUsage().maxRSS / 1024,
  };
}

async function calibrate(s: State, p: Prepared, opts: HarnessOptions, now: () => number): Promise<void> {
  let t0 = now();
  const out = p.run();
  sink = out instanceof Promise ? await out : out;
  const first = now() - t0;
  if (first >= opts.slowCallMs) {
    // A multi-second call is its own warm-up; spending several more on warming would starve the others.
    s.samples.push(first);
    s.target = Math.max(1, Math.min(opts.runs, Math.floor(opts.budgetMs / first)));
    return;
  }
  let calls = 0;
  t0 = now();
  let elapsed = 0;
  while (calls < 2 || elapsed < opts.warmupMs) {
    const again = p.run();
    sink = again instanceof Promise ? await again : again;
    calls++;
    elapsed = now() - t0;
  }
  const perCall = Math.max(elapsed / calls, 1e-6);
  s.reps = Math.max(1, Math.ceil(opts.minSampleMs / perCall));
  s.target = Math.max(1, Math.min(opts.runs, Math.floor(opts.budgetMs / (perCall * s.reps))));
}

function disposeQuietly(s: State): void {
  try {
    s.prepared?.dispose?.();
  } catch {
    // a failed dispose must not hide the measurement
  }
  s.prepared = undefined;
}

function speedupMatrix(results: readonly ContenderResult[]): WorkloadResult['speedup'] {
  const m: Partial<Record<ContenderName, Partial<Record<ContenderName, number | null>>>> = {};
  for (const a of results) {
    const row: Partial<Record<ContenderName, number | null>> = {};
    for (const b of results) if (a !== b) row[b.name] = speedup(a.medianMs, b.medianMs);
    m[a.name] = row;
  }
  return m;
}

// ---- printing --------------------------------------------------------------------------------

/** `12.3 ms`, `45.6 µs`, `1.23 s`: three significant digits. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms >= 1) return `${ms.toPrecision(3)} ms`;
  return `${(ms * 1000).toPrecision(3)} µs`;
}

/** What the table shows for a contender: its median, or why there is none. */
export function formatCell(r: ContenderResult | undefined): string {
  if (!r) return '-';
  if (r.status === 'no-kernel') return 'n/a (no kernel)';
  if (r.status === 'not-implemented') return 'n/a (stub)';
  if (r.status === 'skipped') return 'skipped';
  if (r.status === 'error') return 'error';
  if (r.medianMs === null) return '-';
  const n = r.samplesMs.length;
  return `${formatMs(r.medianMs)}${n < 10 ? ` (n=${n})` : ''}`;
}

/** `2.31x` (the torchlet configuration is faster), `0.45x` (slower), or `n/a`. */
export function formatRatio(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'n/a';
  return `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}x`;
}

/**
 * The sanity cell of a workload with a metric instead of an output to compare, e.g.
 * `test acc 97.1% / - / 96.8% / - / -` (one value per contender in table order; fractions in [0, 1] print as percentages).
 */
export function metricCell(w: WorkloadResult): string {
  const values = CONTENDER_NAMES.map((n) => {
    const m = w.results.find((r) => r.name === n)?.metric ?? null;
    if (m === null) return '-';
    return m >= 0 && m <= 1 ? `${(m * 100).toFixed(1)}%` : m.toPrecision(3);
  });
  return `${w.metric ?? 'metric'} ${values.join(' / ')}`;
}

/**
 * The best torchlet GFLOP/s of a workload and which configuration reached it, e.g. `48.2 (1t)`;
 * `-` without FLOPs or torchlet numbers.
 */
export function bestTorchletGflops(w: WorkloadResult): string {
  let best: ContenderResult | undefined;
  for (const r of w.results) {
    if (!(TORCHLET_NAMES as readonly string[]).includes(r.name) || r.gflops === null) continue;
    if (!best || (best.gflops ?? 0) < r.gflops) best = r;
  }
  return best?.gflops == null ? '-' : `${best.gflops.toFixed(2)} (${SHORT_NAMES[best.name]})`;
}

/** The agreement of the outputs (largest relative difference), or the workload's sanity metric. */
export function checkCell(w: WorkloadResult): string {
  if (w.metric !== undefined && w.metric !== null) return metricCell(w);
  const diffs = w.results.map((r) => r.relDiff).filter((d): d is number => d !== null && d !== undefined);
  if (diffs.length < 2) return '-';
  const worst = Math.max(...diffs);
  return worst <= 1e-3 ? `ok (${worst.toExponential(0)})` : `MISMATCH ${worst.toExponential(1)}`;
}

/** The header of {@link renderTable}. */
export function tableHeader(): string[] {
  return [
    'family',
    'workload',
    'shape',
    ...CONTENDER_NAMES,
    'best torchlet GFLOP/s',
    ...RATIO_COLUMNS.map(([a, b]) => `${SHORT_NAMES[a]} vs ${b}`),
    `peak RSS MB (${CONTENDER_NAMES.map((n) => SHORT_NAMES[n]).join(' / ')})`,
    'agree / check',
  ];
}

/** One row of {@link renderTable}. */
export function tableRow(w: WorkloadResult): string[] {
  const by = (n: ContenderName): ContenderResult | undefined => w.results.find((r) => r.name === n);
  const rss = CONTENDER_NAMES.map((n) => {
    const r = by(n);
    return r && r.status === 'ok' && r.peakRssMB !== null && r.peakRssMB !== undefined ? r.peakRssMB.toFixed(0) : '-';
  }).join(' / ');
  return [
    w.family,
    w.name,
    w.shape,
    ...CONTENDER_NAMES.map((n) => formatCell(by(n))),
    bestTorchletGflops(w),
    ...RATIO_COLUMNS.map(([a, b]) => formatRatio(w.speedup[a]?.[b])),
    rss,
    checkCell(w),
  ];
}

/** Renders the results as a Markdown table (also readable in a terminal). */
export function renderTable(results: readonly WorkloadResult[]): string {
  return markdownTable(tableHeader(), results.map(tableRow));
}

/** A padded Markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** One line per failure that the table only abbreviates. */
export function renderNotes(results: readonly WorkloadResult[]): string[] {
  const notes: string[] = [];
  for (const w of results) {
    for (const r of w.results) {
      if (r.status !== 'ok' && r.note) notes.push(`${w.name} (${w.shape}) / ${r.name}: ${r.status}: ${r.note}`);
    }
  }
  return notes;
}

/**
 * The order of one sampling round: a shuffle seeded by the round number (deterministic across
 * runs). A cyclic rotation would let every contender run first equally often but always after the
 * same neighbour, so one that runs after a 2-thread peer kept paying for the peer's idle workers and
 * cache footprint; shuffling varies each contender's predecessor.
 */
function roundOrder<T>(items: readonly T[], round: number): T[] {
  const order = [...items];
  let state = (round * 2654435761 + 1) >>> 0;
  for (let i = order.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
