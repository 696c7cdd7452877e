// PyTorch as an optional contender (issue 12's native anchor): a Python subprocess running
// src/pytorch-worker.py, one per contender and workload, with `torch.set_num_threads` matched to
// torchlet's (1 and every core). Never a dependency: when neither Debian's `/usr/bin/python3` nor
// `python3` on PATH imports torch and torchvision, the contenders are `skipped: python3-torch not
// installed`. A timed call is one request/reply round trip over the pipes (`{"cmd":"run"}`), which
// adds well under a millisecond to calls that take tens of milliseconds or more.
//
// The worker's OpenMP threads are told to block, not spin, between calls (OMP_WAIT_POLICY=PASSIVE),
// as onnxruntime's are (ort.ts): samples alternate with the other contenders in this machine's cores.

import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The worker script: src/pytorch-worker.py (the same path from src/ and dist/). */
export const WORKER_SCRIPT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'src',
  'pytorch-worker.py',
);

/** The note of a PyTorch contender on a machine without torch. */
export const NO_TORCH = 'skipped: python3-torch not installed';

/** Which Python has torch, and its versions; `null` when none does. */
export interface TorchInfo {
  readonly python: string;
  readonly torch: string;
  readonly torchvision: string;
}

let probed: TorchInfo | null | undefined;

/**
 * Finds a Python with torch and torchvision: Debian's `/usr/bin/python3` first (its python3-torch),
 * then `python3` on PATH (which, under pyenv, usually lacks torch). Cached; `null` when none has it.
 * `TORCHLET_BENCH_PYTHON` names another interpreter to try first.
 */
export function findTorch(): TorchInfo | null {
  if (probed !== undefined) return probed;
  const candidates = [process.env.TORCHLET_BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
  probed = null;
  for (const python of candidates) {
    try {
      const out = execFileSync(
        python,
        ['-c', 'import torch, torchvision; print(torch.__version__, torchvision.__version__)'],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
          timeout: 60_000,
        },
      ).trim();
      const [torch = '?', torchvision = '?'] = out.split(/\s+/);
      probed = { python, torch, torchvision };
      break;
    } catch {
      // no torch here; try the next interpreter
    }
  }
  return probed;
}

/** A reply of the worker. */
export interface WorkerReply {
  readonly ok: boolean;
  readonly error?: string;
  readonly value?: number | null;
  readonly [key: string]: unknown;
}

/** One running worker process: `request` sends a command and resolves with its reply. */
export class PyTorchWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: ((line: string) => void)[] = [];
  private stderr = '';
  private exited: string | null = null;

  constructor(python: string, threads: number) {
    this.child = spawn(python, ['-u', WORKER_SCRIPT], {
      env: {
        ...process.env,
        OMP_NUM_THREADS: String(threads),
        OMP_WAIT_POLICY: 'PASSIVE',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.pending.shift()?.(line));
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-2000);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = `python exited (${signal ?? code}): ${this.stderr.trim().split('\n').pop() ?? ''}`;
      for (const p of this.pending.splice(0)) p(JSON.stringify({ ok: false, error: this.exited }));
    });
  }

  /** Sends one command; rejects with the worker's error. */
  request(cmd: Record<string, unknown>): Promise<WorkerReply> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    return new Promise((resolve, reject) => {
      this.pending.push((line) => {
        const reply = JSON.parse(line) as WorkerReply;
        if (reply.ok) resolve(reply);
        else reject(new Error(`pytorch: ${reply.error ?? 'failed'}`));
      });
      this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
    });
  }

  /** Asks the worker to exit (and kills it if it does not within a second). */
  close(): void {
    if (this.exited) return;
    this.child.stdin.write(`${JSON.stringify({ cmd: 'exit' })}\n`);
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill(), 1000);
    timer.unref();
  }
}

/** The thread counts of the two PyTorch contenders: one, and every core. */
export function pytorchThreads(): { 'pytorch-1t': number; pytorch: number } {
  return { 'pytorch-1t': 1, pytorch: os.availableParallelism() };
}
