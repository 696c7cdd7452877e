// `pnpm bench:webgpu [--quick] [--runs N] [--match a,b] [--node-only | --browser-only]`: torchlet's WebGPU
// kernels against tfjs-backend-webgpu and onnxruntime-web's WebGPU execution provider, in Node
// (Dawn, the `webgpu` package) and in headless Chromium, each on one adapter (SwiftShader on a
// machine without a GPU). Prints one table per runtime and writes
// bench-results/webgpu-<timestamp>.json. Ratios only: a software adapter's absolute times say
// nothing about a GPU.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChromium } from './browser.js';
import { lenetStepFlops } from './lenet.js';
import { runNode } from './node.js';
import { renderGpuNotes, renderGpuTable } from './report.js';
import { type GpuResult, gpuWorkloads } from './workloads.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ICD_DIR = '/usr/lib/chromium';

/** Re-runs this script with SwiftShader's Vulkan driver when no driver is configured (a GPU's wins). */
function reexecWithSwiftShader(): boolean {
  if (process.env.VK_ICD_FILENAMES || process.env.TORCHLET_WEBGPU_CHILD) return false;
  const icd = path.join(ICD_DIR, 'vk_swiftshader_icd.json');
  if (!existsSync(icd)) return false;
  const env = {
    ...process.env,
    VK_ICD_FILENAMES: icd,
    LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH ? `${ICD_DIR}:${process.env.LD_LIBRARY_PATH}` : ICD_DIR,
    TORCHLET_WEBGPU_CHILD: '1',
  };
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      env,
      stdio: 'inherit',
    },
  );
  process.exit(r.status ?? 1);
}

async function main(): Promise<void> {
  if (reexecWithSwiftShader()) return;
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : quick ? 3 : 5;
  const matchAt = argv.indexOf('--match');
  const match = matchAt >= 0 ? argv[matchAt + 1].toLowerCase().split(',') : null;
  const workloads = gpuWorkloads(quick, lenetStepFlops()).filter(
    (w) => match === null || match.some((m) => `${w.name} ${w.shape}`.toLowerCase().includes(m)),
  );
  const log = (line: string) => console.log(line);
  const load = os.loadavg().map((v) => v.toFixed(2));
  console.log(`bench:webgpu: ${runs} samples per contender, load average ${load.join(' ')}`);
  const report: Record<string, unknown> = { date: new Date().toISOString(), runs, loadAverage: os.loadavg() };
  const sections: [string, GpuResult[]][] = [];
  const notes: string[] = [];
  if (!argv.includes('--browser-only')) {
    const node = await runNode(workloads, runs, log);
    report.node = node;
    sections.push(['Node', node.results]);
    notes.push(...renderGpuNotes(node.results).map((n) => `node: ${n}`));
  }
  if (!argv.includes('--node-only')) {
    try {
      const browser = await runChromium(workloads, runs, log);
      report.chromium = browser;
      sections.push(['Chromium', browser.results]);
      notes.push(...renderGpuNotes(browser.results).map((n) => `chromium: ${n}`));
      notes.push(...browser.problems.map((p) => `chromium: ${p}`));
    } catch (e) {
      notes.push(`chromium: did not run: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  report.loadAverageAfter = os.loadavg();
  for (const [where, results] of sections) console.log(`\n${renderGpuTable(results, where)}`);
  console.log('\n"vs X" = X\'s median time / torchlet-webgpu\'s (above 1: torchlet is faster).');
  console.log(
    'torchlet-tensor is torchlet through its tensor/nn API: "vs torchlet-tensor" is what that API costs on top of the kernels.',
  );
  for (const n of notes) console.log(`note: ${n}`);
  const outDir = path.resolve(here, '..', '..', 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `webgpu-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 1)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
  // Dawn's instance keeps the event loop alive.
  process.exit(0);
}

await main();
