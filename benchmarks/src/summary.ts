// Prints the README's "Latest numbers" block from one or more results files (e.g. the full suite
// with --skip-slow and a separate `--only lenet` run):
// `node dist/summary.js bench-results/<timestamp>.json [more.json ...]`.

import { readFileSync } from 'node:fs';
import { type ContenderName, formatCell, formatRatio, metricCell, type WorkloadResult } from './harness.js';

interface Report {
  readonly date: string;
  readonly command: string;
  readonly commit: string | null;
  readonly node: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly memoryGB: number };
  readonly tfjs: { readonly version: string; readonly wasmSimd: boolean; readonly wasmThreads: boolean };
  readonly options: { readonly runs: number; readonly skipSlow?: boolean };
  readonly results: readonly WorkloadResult[];
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node dist/summary.js bench-results/<timestamp>.json [more.json ...]');
  process.exit(1);
}
const reports = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Report);

/** The agreement of the outputs, or the workload's sanity metric (results files from before metrics have neither). */
function check(w: WorkloadResult): string {
  if (w.metric !== undefined && w.metric !== null) return metricCell(w);
  const diffs = w.results.map((r) => r.relDiff).filter((d): d is number => d !== null && d !== undefined);
  if (diffs.length < 2) return '-';
  const worst = Math.max(...diffs);
  return worst <= 1e-3 ? `ok (${worst.toExponential(0)})` : `MISMATCH ${worst.toExponential(1)}`;
}

const header = ['family', 'workload', 'shape', 'torchlet', 'tfjs-cpu', 'tfjs-wasm', 'torchlet GFLOP/s'];
const rows = [header.concat(['torchlet vs tfjs-cpu', 'torchlet vs tfjs-wasm', 'agree / check'])];
for (const r of reports) {
  for (const w of r.results) {
    const by = (n: ContenderName) => w.results.find((c) => c.name === n);
    const g = by('torchlet')?.gflops;
    rows.push([
      w.family,
      w.name,
      w.shape,
      formatCell(by('torchlet')),
      formatCell(by('tfjs-cpu')),
      formatCell(by('tfjs-wasm')),
      g === null || g === undefined ? '-' : g.toFixed(2),
      formatRatio(w.speedup.torchlet?.['tfjs-cpu']),
      formatRatio(w.speedup.torchlet?.['tfjs-wasm']),
      check(w),
    ]);
  }
}
const runs = (r: Report): string =>
  [...new Set(r.results.map((w) => (w.settings ? w.settings.runs : r.options.runs)))].join(' or ');
for (const r of reports) {
  console.log(
    `${r.date.slice(0, 16).replace('T', ' ')} UTC, commit ${r.commit ?? '?'}, \`${r.command}\`, Node ${r.node}, ` +
      `${r.machine.cpu} x ${r.machine.cores} cores, ${r.machine.memoryGB} GB, tfjs ${r.tfjs.version} ` +
      `(wasm SIMD ${r.tfjs.wasmSimd}, threads ${r.tfjs.wasmThreads}). ` +
      `Families ${[...new Set(r.results.map((w) => w.family))].join(', ')}: median of ${runs(r)} runs unless \`(n=k)\`.\n`,
  );
}
console.log(
  rows.map((x, i) => `| ${x.join(' | ')} |${i === 0 ? `\n|${x.map(() => ' --- ').join('|')}|` : ''}`).join('\n'),
);
