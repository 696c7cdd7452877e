// The printed table of `pnpm bench:webgpu`: medians per contender, torchlet's GFLOP/s, and each
// peer's median over torchlet's (above 1: torchlet is faster). On a software adapter only the
// ratios mean anything.
import { GPU_CONTENDERS, type GpuContenderName, type GpuResult } from './workloads.js';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const fmtMs = (v: number | undefined): string => (v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** Markdown table rows: workload, shape, each contender's median ms, torchlet GFLOP/s, ratios. */
export function renderGpuTable(results: readonly GpuResult[], where: string): string {
  const peers = GPU_CONTENDERS.filter((c) => c !== 'torchlet-webgpu');
  const head = [
    'workload',
    'shape',
    ...GPU_CONTENDERS.map((c) => `${c} ms`),
    'torchlet GFLOP/s',
    ...peers.map((p) => `vs ${p}`),
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`];
  for (const r of results) {
    const med = (c: GpuContenderName) => (r.samples[c] ? median(r.samples[c] as number[]) : undefined);
    const t = med('torchlet-webgpu');
    const cells = [
      `${r.name} (${where})`,
      r.shape,
      ...GPU_CONTENDERS.map((c) => (r.skipped[c] ? 'fails' : r.samples[c] ? fmtMs(med(c)) : 'n/a')),
      t === undefined ? '-' : (r.flops / t / 1e6).toFixed(2),
      ...peers.map((p) => {
        const m = med(p);
        return t === undefined || m === undefined ? '-' : `${(m / t).toFixed(2)}x`;
      }),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Why contenders were skipped, and whether the checksums of those that ran agree. */
export function renderGpuNotes(results: readonly GpuResult[]): string[] {
  const notes: string[] = [];
  for (const r of results) {
    for (const [c, why] of Object.entries(r.skipped)) notes.push(`${r.name} ${r.shape}: ${c} did not run: ${why}`);
    const sums = Object.entries(r.checksums) as [GpuContenderName, number][];
    const ref = r.checksums['torchlet-webgpu'];
    if (ref === undefined) continue;
    for (const [c, s] of sums) {
      const rel = Math.abs(s - ref) / Math.max(1, Math.abs(ref));
      if (rel > 1e-3) notes.push(`${r.name} ${r.shape}: ${c}'s checksum ${s} differs from torchlet's ${ref}`);
    }
  }
  return notes;
}
