// What the browser benchmark measures, as data: the workloads, their shapes (from ../shapes.ts),
// FLOPs and labels (../conv-spec.ts's, as the Node suite writes them), and the two page loads.
// Pure: no tfjs, no torchlet, no DOM, so the Node CLI, the page and the unit tests share it.

import { type ConvOp, convGeometry, convOpFlops } from '../conv-spec.js';
import { matmulFlops, type TorchletName } from '../harness.js';
import { CONV_SHAPES, type ConvShape, MATMUL_SIZES } from '../shapes.js';

// The browser workloads' geometry, as the page and its tests see it.
export { convGeometry } from '../conv-spec.js';

/** The conv ops measured in the browser (tfjs-wasm has no weight-gradient kernel of its own to time). */
export type BrowserConvOp = Exclude<ConvOp, 'conv2d backward weight'>;

/** One browser workload: a square matmul or a conv op on a row of {@link CONV_SHAPES}. */
export type BrowserWorkloadSpec =
  | { readonly op: 'matmul'; readonly size: number }
  | { readonly op: BrowserConvOp; readonly conv: ConvShape['label'] };

/**
 * The browser workloads: matmul 1024³, conv2d forward on LeNet conv1 and the ResNet block, the
 * ResNet block's input gradient (tfjs: `tf.conv2dTranspose`) and torchlet's forward + both
 * gradients on it (tfjs-wasm has no `Conv2DBackpropFilter`: its cell reads `n/a (no kernel)`).
 */
export const BROWSER_WORKLOADS: readonly BrowserWorkloadSpec[] = [
  { op: 'matmul', size: 1024 },
  { op: 'conv2d forward', conv: 'LeNet conv1' },
  { op: 'conv2d forward', conv: 'ResNet block' },
  { op: 'conv2d backward input', conv: 'ResNet block' },
  { op: 'conv2d forward+backward', conv: 'ResNet block' },
];

/** The conv shape called `label` in {@link CONV_SHAPES}. */
export function convShape(label: string): ConvShape {
  const s = CONV_SHAPES.find((c) => c.label === label);
  if (!s) throw new Error(`no conv shape ${label} in shapes.ts`);
  return s;
}

/** A workload's family, name, shape label and FLOPs, as the harness's table shows them. */
export function describeWorkload(w: BrowserWorkloadSpec): {
  family: string;
  name: string;
  shape: string;
  flops: number;
} {
  if (w.op === 'matmul') {
    if (!MATMUL_SIZES.includes(w.size)) throw new Error(`matmul ${w.size} is not in shapes.ts`);
    return {
      family: 'tensor',
      name: 'matmul',
      shape: `[${w.size},${w.size}] @ [${w.size},${w.size}]`,
      flops: matmulFlops(w.size, w.size, w.size),
    };
  }
  const g = convGeometry(convShape(w.conv));
  return { family: 'conv', name: w.op, shape: g.label, flops: convOpFlops(g, w.op) };
}

/** tfjs-wasm's thread count in one page load: `'cores'` = `navigator.hardwareConcurrency`, or a count. */
export type TfjsThreads = 'cores' | number;

/**
 * The most XNNPACK threads tfjs-backend-wasm 4.22 starts, whatever `setThreadsCount` asks: its
 * backend.cc takes `num_cores = emscripten_num_logical_cores() / 2` ("many x86-64 processors have 2
 * threads per core") and creates `min(max(count, 1), 8, num_cores)` threads, so its default and its
 * maximum are half of `navigator.hardwareConcurrency` (at least 1): one thread on a 2-core machine.
 * The page lifts this cap while tfjs initialises when a load asks for more (page.ts), and says so.
 */
export function tfjsThreadCap(hardwareConcurrency: number): number {
  return Math.max(1, Math.min(8, Math.floor(hardwareConcurrency / 2)));
}

/**
 * One page load. tfjs-backend-wasm cannot hold two configurations in one page: its thread count is
 * read once when the `wasm` backend initialises, and its kernels keep the module's functions in
 * module-level variables, so a second backend instance would overwrite the first's. So the
 * benchmark loads the page twice: tfjs-wasm on every core against both torchlet configurations,
 * then tfjs-wasm on one thread against torchlet on one thread. Every ratio compares samples that
 * alternated in the same page.
 */
export interface PageLoad {
  readonly id: 'threaded' | 'single';
  readonly tfjsThreads: TfjsThreads;
  /** The torchlet configurations measured in this load. */
  readonly torchlet: readonly TorchletName[];
}

/** The two page loads, in order. */
export const PAGE_LOADS: readonly PageLoad[] = [
  { id: 'threaded', tfjsThreads: 'cores', torchlet: ['torchlet-wasm-1t', 'torchlet-wasm'] },
  { id: 'single', tfjsThreads: 1, torchlet: ['torchlet-wasm-1t'] },
];

/** Where the server (main.ts) puts the WebAssembly binaries and where the page (page.ts) loads them. */
export const PAGE_PATHS = {
  /** `@torchlet/kernels/gemm.wasm`. */
  gemm: '/wasm/gemm.wasm',
  /** `@torchlet/kernels/gemm-mt.wasm` (shared memory, for the worker threads). */
  gemmMt: '/wasm/gemm-mt.wasm',
  /** tfjs-backend-wasm's three `.wasm` builds (`setWasmPaths` prefix). */
  tfjsDir: '/tfjs/',
} as const;
