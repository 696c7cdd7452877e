// The table of the `wholenets` family: torchlet (1 thread, every core) against onnxruntime-web and
// PyTorch on the same thread counts, the training step's ratio to the forward at the same batch,
// and the check column (output difference from torchlet, first loss, or test accuracy). Pure.

import {
  type ContenderName,
  type ContenderResult,
  formatCell,
  formatRatio,
  markdownTable,
  type WorkloadResult,
} from './harness.js';

/** The contenders of the table, in column order. */
export const WHOLENETS_CONTENDERS: readonly ContenderName[] = [
  'torchlet-wasm-1t',
  'torchlet-wasm',
  'ort-wasm-1t',
  'ort-wasm',
  'pytorch-1t',
  'pytorch',
];

/** Ratio columns `[a, b, label]` = median(b) / median(a): above 1, torchlet is faster. */
export const WHOLENETS_RATIOS: readonly (readonly [ContenderName, ContenderName, string])[] = [
  ['torchlet-wasm-1t', 'ort-wasm-1t', '1t vs ort-1t'],
  ['torchlet-wasm', 'ort-wasm', 'all vs ort-all'],
  ['torchlet-wasm-1t', 'pytorch-1t', '1t vs pytorch-1t'],
  ['torchlet-wasm', 'pytorch', 'all vs pytorch-all'],
];

/** The header of {@link renderWholeNetsTable}. */
export function wholeNetsHeader(): string[] {
  return [
    'workload',
    'shape',
    ...WHOLENETS_CONTENDERS,
    ...WHOLENETS_RATIOS.map(([, , l]) => l),
    'step / forward (1t / all)',
    'check',
  ];
}

/** A cell: the median, `MISMATCH` for a peer whose output differed, `skipped` with the reason. */
export function wholeNetsCell(r: ContenderResult | undefined): string {
  if (r?.status === 'error' && r.note?.includes('MISMATCH')) return 'MISMATCH';
  if (r?.status === 'skipped' && r.note?.includes('python3-torch')) return 'skipped (no torch)';
  if (r?.status === 'error') return 'error';
  return formatCell(r);
}

/**
 * The training step's time over torchlet's forward time at the same batch on the same
 * configuration (`train / forward`; issue 12's target is at most 3.5), e.g. `2.9x / 3.1x`.
 */
export function stepOverForward(train: WorkloadResult, all: readonly WorkloadResult[]): string {
  const forward = all.find((w) => w.family === train.family && w.shape === train.shape && w !== train);
  if (!forward) return '-';
  const ratio = (n: ContenderName): string => {
    const t = train.results.find((r) => r.name === n)?.medianMs ?? null;
    const f = forward.results.find((r) => r.name === n)?.medianMs ?? null;
    return t !== null && f !== null && f > 0 ? `${(t / f).toFixed(2)}x` : 'n/a';
  };
  return `${ratio('torchlet-wasm-1t')} / ${ratio('torchlet-wasm')}`;
}

/** The check cell: the sanity metric of every contender in column order (`-` where none). */
export function wholeNetsCheck(w: WorkloadResult): string {
  const values = WHOLENETS_CONTENDERS.map((n) => {
    const r = w.results.find((x) => x.name === n);
    if (r?.status !== 'ok' || r.metric === null || !Number.isFinite(r.metric)) return '-';
    if (w.metric === 'max rel diff') return r.metric === 0 ? 'ref' : r.metric.toExponential(0);
    if (w.metric === 'test acc') return `${(r.metric * 100).toFixed(1)}%`;
    return r.metric.toPrecision(4);
  });
  return `${w.metric ?? 'metric'} ${values.join(' / ')}`;
}

/** One row of {@link renderWholeNetsTable}; `all` finds the forward of a training row. */
export function wholeNetsRow(w: WorkloadResult, all: readonly WorkloadResult[]): string[] {
  const by = (n: ContenderName): ContenderResult | undefined => w.results.find((r) => r.name === n);
  const isTrain = w.name.startsWith('training step');
  return [
    w.name,
    w.shape,
    ...WHOLENETS_CONTENDERS.map((n) => wholeNetsCell(by(n))),
    ...WHOLENETS_RATIOS.map(([a, b]) => formatRatio(w.speedup[a]?.[b])),
    isTrain ? stepOverForward(w, all) : '-',
    wholeNetsCheck(w),
  ];
}

/** The wholenets family's results as a Markdown table. */
export function renderWholeNetsTable(results: readonly WorkloadResult[]): string {
  const rows = results.filter((r) => r.family === 'wholenets');
  return markdownTable(
    wholeNetsHeader(),
    rows.map((w) => wholeNetsRow(w, rows)),
  );
}
