// The table of the `nets` family: torchlet on 1 thread and every core against tfjs-wasm (1 thread
// in Node) and onnxruntime-web on 1 thread and every core, with the ratios issue 12's targets
// name. Pure: formats WorkloadResults.

import {
  bestTorchletGflops,
  type ContenderName,
  type ContenderResult,
  checkCell,
  formatCell,
  formatRatio,
  markdownTable,
  type WorkloadResult,
} from './harness.js';

/** The contenders of the nets table, in column order. */
export const NETS_CONTENDERS: readonly ContenderName[] = [
  'torchlet-wasm-1t',
  'torchlet-wasm',
  'tfjs-wasm',
  'ort-wasm-1t',
  'ort-wasm',
];

/** Ratio columns `[a, b]` = median(b) / median(a): above 1, torchlet is faster. */
export const NETS_RATIOS: readonly (readonly [ContenderName, ContenderName, string])[] = [
  ['torchlet-wasm-1t', 'tfjs-wasm', '1t vs tfjs-wasm'],
  ['torchlet-wasm-1t', 'ort-wasm-1t', '1t vs ort-1t'],
  ['torchlet-wasm', 'tfjs-wasm', 'all vs tfjs-wasm'],
  ['torchlet-wasm', 'ort-wasm', 'all vs ort-all'],
];

/** The header of {@link renderNetsTable}. */
export function netsHeader(): string[] {
  return ['family', 'shape', ...NETS_CONTENDERS, 'torchlet GFLOP/s', ...NETS_RATIOS.map(([, , l]) => l), 'agree'];
}

/** One row of {@link renderNetsTable}. */
export function netsRow(w: WorkloadResult): string[] {
  const by = (n: ContenderName): ContenderResult | undefined => w.results.find((r) => r.name === n);
  return [
    w.name,
    w.shape,
    ...NETS_CONTENDERS.map((n) => formatCell(by(n))),
    bestTorchletGflops(w),
    ...NETS_RATIOS.map(([a, b]) => formatRatio(w.speedup[a]?.[b])),
    checkCell(w),
  ];
}

/** The nets family's results as a Markdown table. */
export function renderNetsTable(results: readonly WorkloadResult[]): string {
  return markdownTable(netsHeader(), results.filter((r) => r.family === 'nets').map(netsRow));
}
