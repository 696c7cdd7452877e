// Prints the README's "Latest numbers" block from one results file:
// `node dist/summary.js bench-results/<timestamp>.json`.

import { readFileSync } from 'node:fs';
import { type ContenderName, formatCell, formatRatio, type WorkloadResult } from './harness.js';

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

const file = process.argv[2];
if (!file) {
  console.error('usage: node dist/summary.js bench-results/<timestamp>.json');
  process.exit(1);
}
const r = JSON.parse(readFileSync(file, 'utf8')) as Report;
const header = ['family', 'workload', 'shape', 'torchlet', 'tfjs-cpu', 'tfjs-wasm', 'torchlet GFLOP/s'];
const rows = [header.concat(['torchlet vs tfjs-cpu', 'torchlet vs tfjs-wasm'])];
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
  ]);
}
console.log(
  `${r.date.slice(0, 16).replace('T', ' ')} UTC, commit ${r.commit ?? '?'}, \`${r.command}\`, Node ${r.node}, ` +
    `${r.machine.cpu} x ${r.machine.cores} cores, ${r.machine.memoryGB} GB, tfjs ${r.tfjs.version} ` +
    `(wasm SIMD ${r.tfjs.wasmSimd}, threads ${r.tfjs.wasmThreads}). Median of ${r.options.runs} runs unless \`(n=k)\`.\n`,
);
console.log(
  rows.map((x, i) => `| ${x.join(' | ')} |${i === 0 ? `\n|${x.map(() => ' --- ').join('|')}|` : ''}`).join('\n'),
);
