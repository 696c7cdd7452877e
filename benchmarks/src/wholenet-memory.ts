// Peak memory (RSS) of each whole-network workload, per runtime, each in a fresh process so the
// peaks are separable (the timed family runs every contender in one process, where RSS only
// shows the largest so far). torchlet and onnxruntime-web: `node --expose-gc
// dist/wholenet-memory.js <torchlet|ort> <net> <batch> <forward|train> [model.onnx]` prints one
// JSON line; PyTorch: a fresh worker (pytorch.ts) reports its own `ru_maxrss`.
//
// Each process reads its RSS once the runtime is loaded and idle (baseline: Node with torchlet and
// its worker pool, Node with onnxruntime-web, Python with torch and torchvision imported), then
// builds the model (torchlet: from the seeded generator; onnxruntime-web: a session on the file
// the parent exported; PyTorch: torchvision's model loaded with the same weights), runs the
// workload twice and reads the process's high-water mark (`VmHWM`, see peakRssBytes). All on every core.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTorch, PyTorchWorker } from './pytorch.js';
import type { WholeNetCase } from './wholenet-models.js';

/** What one probe measured (bytes). */
export interface WholeNetMemory {
  readonly runtime: 'torchlet' | 'ort' | 'pytorch';
  readonly task: 'forward' | 'train';
  readonly net: WholeNetCase['net'];
  readonly batch: number;
  /** RSS with the runtime loaded and idle, before the model. */
  readonly baselineBytes: number;
  /** The process's peak RSS after building the model and running the workload twice. */
  readonly peakBytes: number;
}

/**
 * This process's peak RSS: `VmHWM` of /proc/self/status, which starts afresh with the new address
 * space of `exec`. (`getrusage`'s `ru_maxrss`, Node's `resourceUsage().maxRSS`, survives `exec` on
 * Linux, so a child started by a large parent would report the parent's peak.) Falls back to
 * `maxRSS` where /proc is missing.
 */
export function peakRssBytes(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // no procfs
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Runs one torchlet or onnxruntime-web probe in a fresh Node process. */
export function probeNodeMemory(
  runtime: 'torchlet' | 'ort',
  c: WholeNetCase,
  task: 'forward' | 'train',
  onnxFile?: string,
): WholeNetMemory {
  const script = fileURLToPath(import.meta.url);
  const args = [script, runtime, c.net, String(c.batch), String(c.numClasses), String(c.size), task];
  if (onnxFile) args.push(onnxFile);
  const out = execFileSync(process.execPath, ['--expose-gc', ...args], { encoding: 'utf8', timeout: 600_000 });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as WholeNetMemory;
}

/** Runs one PyTorch probe in a fresh worker; null without torch. */
export async function probePytorchMemory(
  c: WholeNetCase,
  task: 'forward' | 'train',
  files: { weights: string; input: string; labels: string },
  sgd: { lr: number; momentum: number },
): Promise<WholeNetMemory | null> {
  const info = findTorch();
  if (!info) return null;
  const threads = os.availableParallelism();
  const worker = new PyTorchWorker(info.python, threads);
  try {
    await worker.request({
      cmd: 'setup',
      threads,
      task,
      net: c.net,
      numClasses: c.numClasses,
      weights: files.weights,
      input: files.input,
      inputShape: [c.batch, 3, c.size, c.size],
      labels: files.labels,
      ...sgd,
    });
    for (let i = 0; i < 2; i++) await worker.request({ cmd: 'run' });
    const s = await worker.request({ cmd: 'stats' });
    return {
      runtime: 'pytorch',
      task,
      net: c.net,
      batch: c.batch,
      baselineBytes: Number(s.baselineRssBytes),
      peakBytes: Number(s.peakRssBytes),
    };
  } finally {
    worker.close();
  }
}

/** Writes what a PyTorch probe reads (weights, input, labels) into `dir`. */
export async function writeProbeFiles(
  c: WholeNetCase,
  dir: string,
): Promise<{ weights: string; input: string; labels: string; onnx: string }> {
  const { buildNet, netInput, netInputData, netLabels, ONNX_IO } = await import('./wholenet-models.js');
  const { saveSafetensors } = await import('@torchlet/nn');
  const { exportOnnx } = await import('@torchlet/onnx');
  const model = buildNet(c);
  const files = {
    weights: path.join(dir, `${c.net}-${c.batch}.safetensors`),
    input: path.join(dir, `${c.net}-${c.batch}.f32`),
    labels: path.join(dir, `${c.net}-${c.batch}.i32`),
    onnx: path.join(dir, `${c.net}-${c.batch}.onnx`),
  };
  const bytes = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  writeFileSync(files.weights, saveSafetensors(model.stateDict()));
  writeFileSync(files.input, bytes(netInputData(c)));
  writeFileSync(files.labels, bytes(netLabels(c)));
  writeFileSync(files.onnx, exportOnnx(model.eval(), [netInput(c)], { opset: 17, ...ONNX_IO }));
  return files;
}

async function child(argv: readonly string[]): Promise<void> {
  const [runtime, net, batch, numClasses, size, task, onnxFile] = argv;
  const c = {
    net: net as WholeNetCase['net'],
    batch: Number(batch),
    numClasses: Number(numClasses),
    size: Number(size),
  };
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  let run: () => unknown;
  let baseline: number;
  if (runtime === 'torchlet') {
    const { setThreads } = await import('@torchlet/kernels');
    const { noGrad } = await import('@torchlet/autograd');
    const { crossEntropy, SGD } = await import('@torchlet/nn');
    const { fromStorage } = await import('@torchlet/tensor');
    const { waitForThreads } = await import('./torchlet.js');
    const { buildNet, netInput, netLabels } = await import('./wholenet-models.js');
    const { WHOLE_NETS } = await import('./shapes.js');
    setThreads('auto');
    await waitForThreads();
    gc();
    baseline = process.memoryUsage().rss;
    const model = buildNet(c);
    const x = netInput(c);
    if (task === 'forward') {
      model.eval();
      run = () => noGrad(() => model.forward(x)).data;
    } else {
      const labels = fromStorage(netLabels(c), [c.batch]);
      const optimizer = new SGD(model.parameters(), WHOLE_NETS.sgd);
      run = () => {
        const loss = crossEntropy(model.forward(x), labels);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        return loss.item();
      };
    }
  } else {
    if (!onnxFile) throw new Error('ort probe: no model file');
    const ort = await import('onnxruntime-web');
    const { netInputData } = await import('./wholenet-models.js');
    ort.env.wasm.numThreads = os.availableParallelism();
    ort.env.logLevel = 'error';
    // Start the runtime (its WebAssembly module and thread pool) on a one-node model before the baseline.
    const { onnxModel } = await import('./onnx-model.js');
    const tiny = await ort.InferenceSession.create(onnxModel([1, 4], [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }]), {
      executionProviders: ['wasm'],
      intraOpNumThreads: os.availableParallelism(),
    });
    await tiny.run({ x: new ort.Tensor('float32', new Float32Array(4), [1, 4]) });
    gc();
    baseline = process.memoryUsage().rss;
    const session = await ort.InferenceSession.create(readFileSync(onnxFile), {
      executionProviders: ['wasm'],
      intraOpNumThreads: os.availableParallelism(),
      graphOptimizationLevel: 'all',
    });
    const x = new ort.Tensor('float32', netInputData(c), [c.batch, 3, c.size, c.size]);
    run = async () => (await session.run({ x })).y.data;
  }
  for (let i = 0; i < 2; i++) {
    const out = run();
    if (out instanceof Promise) await out;
  }
  const probe: WholeNetMemory = {
    runtime: runtime as 'torchlet' | 'ort',
    task: task as 'forward' | 'train',
    net: c.net,
    batch: c.batch,
    baselineBytes: baseline,
    peakBytes: peakRssBytes(),
  };
  console.log(JSON.stringify(probe));
  process.exit(0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  child(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
