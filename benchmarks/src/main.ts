// The benchmark runner: `node dist/main.js [--only tensor,conv,pool,lenet,nets,wholenets] [--quick] [--runs N] [--skip-slow]`.
// Prints the table and writes every sample to bench-results/<timestamp>.json.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FULL_OPTIONS,
  formatCell,
  type HarnessOptions,
  QUICK_OPTIONS,
  renderNotes,
  renderTable,
  runWorkload,
  splitMatchPatterns,
  type Workload,
  type WorkloadResult,
  workloadMatches,
} from './harness.js';
import { type ConvMemoryProbe, probeConvMemory } from './memory.js';
import { renderNetsTable } from './nets-table.js';
import { LENET_EPOCH } from './shapes.js';
import { tfInfo } from './tfjs.js';

/** The op families, each loaded only when selected (so one family's missing kernels never stop another). */
const FAMILIES: Readonly<Record<string, () => Promise<Workload[]>>> = {
  tensor: async () => (await import('./bench-tensor.js')).tensorWorkloads(),
  conv: async () => (await import('./bench-conv.js')).convWorkloads(),
  pool: async () => (await import('./bench-pool.js')).poolWorkloads(),
  lenet: async () => (await import('./bench-lenet.js')).lenetWorkloads(),
  nets: async () => (await import('./bench-nets.js')).netWorkloads(),
  wholenets: async () => (await import('./wholenets.js')).wholeNetWorkloads(),
};

interface Cli {
  readonly only: readonly string[];
  /** Keep only workloads whose `name shape` contains one of these (case-insensitive). */
  readonly match: readonly string[];
  readonly quick: boolean;
  readonly runs?: number;
  readonly skipSlow: boolean;
}

function parseArgs(argv: readonly string[]): Cli {
  let only: string[] = Object.keys(FAMILIES);
  let match: string[] = [];
  let quick = false;
  let runs: number | undefined;
  let skipSlow = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue; // `pnpm bench -- --only conv` may pass the separator through
    if (a === '--quick') quick = true;
    else if (a === '--skip-slow') skipSlow = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a === '--only' ? argv[++i] : a.slice('--only='.length);
      only = (v ?? '').split(',').filter(Boolean);
      const unknown = only.filter((f) => !(f in FAMILIES));
      if (only.length === 0 || unknown.length > 0) {
        throw new Error(
          `--only: unknown family ${unknown.join(',') || '(none)'}; choose from ${Object.keys(FAMILIES).join(', ')}`,
        );
      }
    } else if (a === '--match' || a.startsWith('--match=')) {
      const v = a === '--match' ? argv[++i] : a.slice('--match='.length);
      match = splitMatchPatterns(v ?? '');
      if (match.length === 0) throw new Error('--match: expected comma-separated parts of workload names');
    } else if (a === '--runs') {
      runs = Number(argv[++i]);
      if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${argv[i]}`);
    } else if (a === '--help' || a === '-h') {
      console.log(
        'usage: bench [--only tensor,conv,pool,lenet,nets,wholenets] [--match text,text] [--quick] [--runs N] [--skip-slow]\n' +
          '  --match: parts of workload names and shapes, comma-separated; commas inside [...] belong to a shape',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (try --help)`);
  }
  return { only, match, quick, skipSlow, ...(runs === undefined ? {} : { runs }) };
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

async function main(): Promise<void> {
  const cli = parseArgs(process.argv.slice(2));
  const gc = (globalThis as { gc?: () => void }).gc;
  const opts: HarnessOptions = {
    ...(cli.quick ? QUICK_OPTIONS : FULL_OPTIONS),
    ...(cli.runs === undefined ? {} : { runs: cli.runs, runsFromCli: true }),
    ...(cli.skipSlow ? { skipSlow: true } : {}),
    ...(gc ? { gc } : {}),
  };
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.arch()}`,
  };
  const tfjs = await tfInfo();
  const started = new Date();
  console.log(
    `torchlet benchmarks ${started.toISOString()}  node ${process.version}  ${machine.cpu} x${machine.cores}  ` +
      `tfjs ${tfjs.version} (wasm simd=${tfjs.wasmSimd} threads=${tfjs.wasmThreads})  ` +
      `${cli.quick ? 'QUICK (smoke test, not for quoting)' : `median of ${opts.runs} runs (lenet epochs: ${LENET_EPOCH.runs}; fewer where marked (n=k))`}\n`,
  );

  const results: WorkloadResult[] = [];
  // The results file's fields; `ort` is added when the nets family ran.
  const report: Record<string, unknown> = {};
  const familyErrors: Record<string, string> = {};
  for (const family of cli.only) {
    let workloads: Workload[];
    try {
      workloads = await FAMILIES[family]();
    } catch (err) {
      familyErrors[family] = err instanceof Error ? err.message.split('\n')[0] : String(err);
      console.log(`${family}: could not load (${familyErrors[family]})`);
      continue;
    }
    for (const w of workloads) {
      if (!workloadMatches(w, cli.match)) continue;
      const r = await runWorkload(w, opts);
      results.push(r);
      const cells = r.results.map((c) => `${c.name} ${formatCell(c)}`).join('  ');
      console.log(`${r.family} / ${r.name} / ${r.shape}: ${cells}`);
    }
  }

  const nets = results.filter((r) => r.family === 'nets');
  const wholeNets = results.filter((r) => r.family === 'wholenets');
  const others = results.filter((r) => r.family !== 'nets' && r.family !== 'wholenets');
  if (others.length > 0) console.log(`\n${renderTable(others)}\n`);
  if (nets.length > 0) {
    const ort = (await import('./ort.js')).ortInfo();
    console.log(
      `\nnets: onnxruntime-web ${String(ort.version)} (wasm; ort-wasm-1t: a runtime of numThreads 1 in a worker ` +
        `thread, ort-wasm: this process's runtime, numThreads ${String(ort.numThreads)}), tfjs-wasm 1 thread\n`,
    );
    console.log(`${renderNetsTable(nets)}\n`);
    report.ort = ort;
  }
  if (wholeNets.length > 0) {
    // Whole networks vs onnxruntime-web and PyTorch, then peak RSS per workload in fresh processes.
    const { reportWholeNets } = await import('./wholenets-report.js');
    Object.assign(report, await reportWholeNets(wholeNets, { memory: cli.match.length === 0 && !cli.quick }));
  }
  console.log(
    'Times are per call (median). "1t vs X" / "all vs X" = median(X) / median(torchlet-wasm-1t / torchlet-wasm): above 1 means torchlet is faster.',
  );
  console.log(
    '"agree" = largest |difference| from the first contender, relative to max(1, max |value|); ' +
      '"check" = a sanity number instead (lenet: test accuracy after the epoch, js / 1t / all / tfjs-cpu / tfjs-wasm).',
  );
  for (const n of renderNotes(results)) console.log(`  note: ${n}`);

  // Peak memory of the ResNet-shape conv2d forward, in fresh processes (see memory.ts).
  const memory: Record<string, ConvMemoryProbe | string> = {};
  if (cli.only.includes('conv') && cli.match.length === 0) {
    const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MB`;
    console.log('\nconv2d forward, ResNet block: memory made resident by one call (fresh process per thread count)');
    for (const t of [1, 'auto'] as const) {
      try {
        const p = probeConvMemory(t);
        memory[String(t)] = p;
        console.log(
          `  threads ${p.threads} (${p.lastKernel}): first call +${mb(p.firstCallBytes)} RSS, ` +
            `second call +${mb(p.secondCallBytes)}; bound output ${mb(p.outputBytes)} + ${p.threads} x im2col ` +
            `${mb(p.im2colBytes)} = ${mb(p.boundBytes)}: ${p.firstCallBytes <= p.boundBytes ? 'within' : 'OVER'} (first call), ` +
            `${p.secondCallBytes <= p.boundBytes ? 'within' : 'OVER'} (steady state)`,
        );
      } catch (err) {
        memory[String(t)] = err instanceof Error ? err.message.split('\n')[0] : String(err);
        console.log(`  threads ${t}: probe failed (${memory[String(t)]})`);
      }
    }
  }

  const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  Object.assign(report, {
    date: started.toISOString(),
    command: `node ${process.argv
      .slice(1)
      .map((a) => path.relative(process.cwd(), a) || a)
      .join(' ')}`,
    commit: gitCommit(),
    node: process.version,
    machine,
    tfjs,
    options: { ...opts, gc: Boolean(gc) },
    familyErrors,
    memory,
    results,
  });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
