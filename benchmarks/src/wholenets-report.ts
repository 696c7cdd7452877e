// What `pnpm bench -- --only wholenets` prints after its samples: the versions and thread counts of
// every runtime, the timing table (wholenets-table.ts) and the peak-RSS table from fresh processes
// (wholenet-memory.ts). Returns what goes into the results JSON.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkloadResult } from './harness.js';
import { markdownTable } from './harness.js';
import { ortInfo } from './ort.js';
import { findTorch, pytorchThreads } from './pytorch.js';
import { WHOLE_NETS } from './shapes.js';
import { probeNodeMemory, probePytorchMemory, type WholeNetMemory, writeProbeFiles } from './wholenet-memory.js';
import { NET_LABELS, wholeNetCases } from './wholenets.js';
import { renderWholeNetsTable } from './wholenets-table.js';

const mb = (b: number): string => (b / 2 ** 20).toFixed(0);

/** The peak-RSS table: one row per workload, `peak (+ over the idle runtime)` MB per runtime. */
export function renderMemoryTable(probes: readonly (WholeNetMemory | { error: string; key: string })[]): string {
  const rows = new Map<string, Record<string, string>>();
  for (const p of probes) {
    if ('error' in p) continue;
    const key = `${p.task === 'forward' ? 'forward' : 'training step'} ${NET_LABELS[p.net]} batch ${p.batch}`;
    const row = rows.get(key) ?? {};
    row[p.runtime] = `${mb(p.peakBytes)} (+${mb(p.peakBytes - p.baselineBytes)})`;
    rows.set(key, row);
  }
  return markdownTable(
    ['workload (every core)', 'torchlet MB', 'onnxruntime-web MB', 'PyTorch MB'],
    [...rows].map(([k, r]) => [k, r.torchlet ?? '-', r.ort ?? '-', r.pytorch ?? '-']),
  );
}

/** Runs every memory probe (fresh processes, one at a time). */
export async function probeWholeNetMemory(): Promise<(WholeNetMemory | { error: string; key: string })[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'torchlet-mem-'));
  const out: (WholeNetMemory | { error: string; key: string })[] = [];
  const attempt = async (key: string, f: () => WholeNetMemory | null | Promise<WholeNetMemory | null>) => {
    try {
      const p = await f();
      if (p) out.push(p);
    } catch (err) {
      out.push({ key, error: err instanceof Error ? err.message.split('\n')[0] : String(err) });
    }
  };
  try {
    const { forward, train } = wholeNetCases();
    for (const c of forward) {
      const files = await writeProbeFiles(c, dir);
      const key = `${c.net} ${c.batch}`;
      await attempt(`torchlet forward ${key}`, () => probeNodeMemory('torchlet', c, 'forward'));
      await attempt(`ort forward ${key}`, () => probeNodeMemory('ort', c, 'forward', files.onnx));
      await attempt(`pytorch forward ${key}`, () => probePytorchMemory(c, 'forward', files, WHOLE_NETS.sgd));
    }
    for (const c of train) {
      const files = await writeProbeFiles(c, dir);
      const key = `${c.net} ${c.batch}`;
      await attempt(`torchlet train ${key}`, () => probeNodeMemory('torchlet', c, 'train'));
      await attempt(`pytorch train ${key}`, () => probePytorchMemory(c, 'train', files, WHOLE_NETS.sgd));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** Prints the family's header, table and (unless `memory` is false) the peak-RSS table. */
export async function reportWholeNets(
  results: readonly WorkloadResult[],
  options: { memory: boolean },
): Promise<Record<string, unknown>> {
  const ort = ortInfo();
  const torch = findTorch();
  const info = {
    // As each contender recorded it (torchlet-wasm: `setThreads('auto')`, every core).
    torchletThreads: {
      'torchlet-wasm-1t': 1,
      'torchlet-wasm': results.flatMap((w) => w.results).find((r) => r.name === 'torchlet-wasm')?.threads ?? null,
    },
    ort: { ...ort, sessions: { 'ort-wasm-1t': 1, 'ort-wasm': ort.numThreads } },
    pytorch: torch ? { ...torch, threads: pytorchThreads() } : 'skipped: python3-torch not installed',
    wholeNets: WHOLE_NETS,
  };
  console.log(
    `\nwholenets: onnxruntime-web ${String(ort.version)} (wasm; ort-wasm-1t: a runtime of numThreads 1 in a ` +
      `worker thread, ort-wasm: this process's runtime, numThreads ${String(ort.numThreads)}); ` +
      (torch
        ? `PyTorch ${torch.torch} / torchvision ${torch.torchvision} (${torch.python}; set_num_threads 1 and ${pytorchThreads().pytorch})`
        : 'PyTorch: skipped: python3-torch not installed') +
      '\n',
  );
  console.log(`${renderWholeNetsTable(results)}\n`);
  console.log(
    '"step / forward" = training step (batch 8) / eval forward at batch 8, same torchlet configuration (target <= 3.5x). ' +
      'check: max rel diff = max |y - torchlet| / max |torchlet| (a peer above 1e-3 fails: MISMATCH), first loss, or test accuracy.',
  );
  if (!options.memory) return { wholenets: info };
  console.log('\nwholenets: peak RSS per workload, each in a fresh process (MB; + = over the idle runtime)');
  const memory = await probeWholeNetMemory();
  console.log(`${renderMemoryTable(memory)}`);
  for (const m of memory) if ('error' in m) console.log(`  memory probe ${m.key} failed: ${m.error}`);
  return { wholenets: { ...info, memory } };
}

// `node --expose-gc dist/wholenets-report.js`: the peak-RSS probes alone (no timing).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  probeWholeNetMemory()
    .then((memory) => {
      console.log(renderMemoryTable(memory));
      for (const m of memory) if ('error' in m) console.log(`  memory probe ${m.key} failed: ${m.error}`);
      console.log(JSON.stringify(memory));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
