// Prints the README's "Latest numbers" block from one or more results files (e.g. the full suite
// with --skip-slow and a separate `--only lenet` run; a workload in several files shows the last):
// `node dist/summary.js bench-results/<timestamp>.json [more.json ...]`.

import { readFileSync } from 'node:fs';
import { markdownTable, tableHeader, tableRow, type WorkloadResult } from './harness.js';

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

// A workload measured again in a later file (e.g. `--only lenet` with tfjs-cpu after a
// `--skip-slow` run) replaces the earlier row in place.
const merged = new Map<string, WorkloadResult>();
for (const r of reports) for (const w of r.results) merged.set(`${w.family}|${w.name}|${w.shape}`, w);
const rows = [...merged.values()].map(tableRow);
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
console.log(markdownTable(tableHeader(), rows));
