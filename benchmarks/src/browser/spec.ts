// What the browser benchmark measures, as data: the workloads, their shapes (from ../shapes.ts),
// FLOPs and labels, and the two page loads. Pure: no tfjs, no torchlet, no DOM, so the Node CLI,
// the page and the unit tests share it.

import { fmtShape } from '../data.js';
import { convFlops, convOutSize, matmulFlops, type TorchletName } from '../harness.js';
import { CONV_SHAPES, type ConvShape, MATMUL_SIZES } from '../shapes.js';

/** The conv ops measured in the browser. */
export type BrowserConvOp = 'conv2d forward' | 'conv2d backward input' | 'conv2d forward+backward';

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

type Shape4 = [number, number, number, number];

/** tfjs's padding argument for a stride-1 conv: `'valid'`, `'same'` (when it keeps the size) or one int. */
export type TfPad = 'valid' | 'same' | number;

/** Everything a conv workload needs besides the data: NCHW shapes, FLOPs, the table label, tfjs padding. */
export interface ConvGeometry {
  readonly inShape: Shape4;
  readonly wShape: Shape4;
  readonly outShape: Shape4;
  readonly padding: readonly [number, number];
  /** FLOPs of one forward (each gradient does as many). */
  readonly flops: number;
  /** `ResNet block [8,64,56,56] * [64,64,3,3] pad 1`, as the Node table writes it. */
  readonly label: string;
  readonly tfPad: TfPad;
}

/** The geometry of one conv shape (stride 1, dilation 1, groups 1). */
export function convGeometry(s: ConvShape): ConvGeometry {
  const [n, cin, h, w] = s.input;
  const [cout, , kh, kw] = s.weight;
  const [ph, pw] = s.padding;
  const outShape: Shape4 = [n, cout, convOutSize(h, kh, ph), convOutSize(w, kw, pw)];
  const flops = convFlops({
    batch: n,
    inChannels: cin,
    outChannels: cout,
    outH: outShape[2],
    outW: outShape[3],
    kh,
    kw,
  });
  const pad = ph || pw ? ` pad ${ph === pw ? ph : fmtShape(s.padding)}` : '';
  let tfPad: TfPad;
  if (ph === 0 && pw === 0) tfPad = 'valid';
  else if (2 * ph === kh - 1 && 2 * pw === kw - 1) tfPad = 'same';
  else if (ph === pw) tfPad = ph;
  else throw new Error(`tfjs conv: asymmetric padding ${fmtShape(s.padding)} is not expressible in this benchmark`);
  return {
    inShape: [...s.input],
    wShape: [...s.weight],
    outShape,
    padding: [ph, pw],
    flops,
    label: `${s.label} ${fmtShape(s.input)} * ${fmtShape(s.weight)}${pad}`,
    tfPad,
  };
}

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
  // forward + input gradient + weight gradient: three forwards (bench-conv.ts's forwardBackwardFlops).
  const flops = w.op === 'conv2d forward+backward' ? 3 * g.flops : g.flops;
  return { family: 'conv', name: w.op, shape: g.label, flops };
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
