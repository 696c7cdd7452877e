// What the browser benchmark measures, as data: the workloads, their shapes (from ../shapes.ts),
// FLOPs and labels (../conv-spec.ts's, as the Node suite writes them), and the two page loads.
// Pure: no tfjs, no torchlet, no DOM, so the Node CLI, the page and the unit tests share it.

import { type ConvOp, convGeometry, convOpFlops } from '../conv-spec.js';
import { fmtShape } from '../data.js';
import { convFlops, convOutSize, matmulFlops, type OrtName, type TorchletName } from '../harness.js';
import type { OnnxNode } from '../onnx-model.js';
import { CONV_SHAPES, type ConvShape, MATMUL_SIZES, NET_LAYERS, type NetLayer, WHOLE_NETS } from '../shapes.js';

// The browser workloads' geometry, as the page and its tests see it.
export { convGeometry } from '../conv-spec.js';

/** The conv ops measured in the browser (tfjs-wasm has no weight-gradient kernel of its own to time). */
export type BrowserConvOp = Exclude<ConvOp, 'conv2d backward weight'>;

/** A network of the whole-network workloads (shapes.ts's WHOLE_NETS). */
export type BrowserNetName = (typeof WHOLE_NETS.nets)[number];

/**
 * One browser workload: a square matmul, a conv op on a row of {@link CONV_SHAPES}, or a whole
 * network's forward (@torchlet/vision's, 1000 classes, 224x224, as the Node `wholenets` family).
 */
export type BrowserWorkloadSpec =
  | { readonly op: 'matmul'; readonly size: number }
  | { readonly op: BrowserConvOp; readonly conv: ConvShape['label'] }
  | { readonly op: 'wholenet forward'; readonly net: BrowserNetName; readonly batch: number }
  | { readonly op: 'net conv'; readonly layer: NetConvLayer };

/** A conv layer of shapes.ts's NET_LAYERS (the Node `nets` family). */
export type NetConvLayer = Extract<NetLayer, { kind: 'conv' }>;

/** The NET_LAYERS conv of `family` on `channels` input channels at `size`x`size`, stride `stride`. */
export function netConvLayer(family: string, channels: number, size: number, stride = 1): NetConvLayer {
  const l = NET_LAYERS.find(
    (x): x is NetConvLayer =>
      x.kind === 'conv' && x.family === family && x.input[1] === channels && x.input[2] === size && x.stride === stride,
  );
  if (!l)
    throw new Error(`no ${family} conv on ${channels}x${size}x${size} stride ${stride} in shapes.ts's NET_LAYERS`);
  return l;
}

/** A NET_LAYERS conv's output shape (as ../bench-nets.ts's netOutShape). */
export function netConvOutShape(l: NetConvLayer): [number, number, number, number] {
  const [n, , h, w] = l.input;
  const [cout, , kh, kw] = l.weight;
  return [
    n,
    cout,
    convOutSize(h, kh, l.padding, l.stride, l.dilation),
    convOutSize(w, kw, l.padding, l.stride, l.dilation),
  ];
}

/** A NET_LAYERS conv's table label, e.g. `[1,144,56,56] * [144,1,3,3] s2 p1 g144` (as ../bench-nets.ts's netLabel). */
export function netConvLabel(l: NetConvLayer): string {
  const opts = [
    l.stride > 1 ? `s${l.stride}` : '',
    l.padding > 0 ? `p${l.padding}` : '',
    l.dilation > 1 ? `d${l.dilation}` : '',
    l.groups > 1 ? `g${l.groups}` : '',
  ].filter(Boolean);
  return `${fmtShape(l.input)} * ${fmtShape(l.weight)}${opts.length ? ` ${opts.join(' ')}` : ''}`;
}

/** The fixed seeds of the `nets` family's conv data (../bench-nets.ts: x 11, w 12). */
export const NET_SEEDS = { x: 11, w: 12 } as const;

/**
 * The browser workloads: matmul 1024³, conv2d forward on LeNet conv1 and the ResNet block, the
 * ResNet block's input gradient (tfjs: `tf.conv2dTranspose`) and torchlet's forward + both
 * gradients on it (tfjs-wasm has no `Conv2DBackpropFilter`: its cell reads `n/a (no kernel)`);
 * then ResNet-18 and MobileNetV2 at batch 1 against onnxruntime-web on their `exportOnnx` (tfjs
 * cannot load ONNX: no tfjs cell).
 */
export const BROWSER_WORKLOADS: readonly BrowserWorkloadSpec[] = [
  { op: 'matmul', size: 1024 },
  { op: 'conv2d forward', conv: 'LeNet conv1' },
  { op: 'conv2d forward', conv: 'ResNet block' },
  { op: 'conv2d backward input', conv: 'ResNet block' },
  { op: 'conv2d forward+backward', conv: 'ResNet block' },
  { op: 'wholenet forward', net: 'resnet18', batch: 1 },
  { op: 'wholenet forward', net: 'mobilenetV2', batch: 1 },
  // Batch-1 layers of the Node `nets` family, one per family an app serving one image runs most.
  { op: 'net conv', layer: netConvLayer('depthwise 3x3', 144, 56) },
  { op: 'net conv', layer: netConvLayer('depthwise 3x3', 144, 56, 2) },
  { op: 'net conv', layer: netConvLayer('pointwise 1x1', 24, 56) },
  { op: 'net conv', layer: netConvLayer('3x3 stride 2', 64, 56, 2) },
  { op: 'net conv', layer: netConvLayer('7x7 stem', 3, 224, 2) },
];

/** The table labels of the networks (as ../wholenets.ts's NET_LABELS). */
export const BROWSER_NET_LABELS: Readonly<Record<BrowserNetName, string>> = {
  resnet18: 'ResNet-18',
  mobilenetV2: 'MobileNetV2',
};

/** The whole-network forward's workload name (as ../wholenets.ts's WHOLE_NET_WORKLOADS.forward). */
export const WHOLE_NET_FORWARD = 'forward (eval, noGrad)';

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
  /** Undefined for a whole network (no FLOP count, as in the Node suite). */
  flops: number | undefined;
} {
  if (w.op === 'wholenet forward') {
    const { size } = WHOLE_NETS;
    return {
      family: 'wholenets',
      name: WHOLE_NET_FORWARD,
      shape: `${BROWSER_NET_LABELS[w.net]} [${w.batch},3,${size},${size}]`,
      flops: undefined,
    };
  }
  if (w.op === 'net conv') {
    const l = w.layer;
    const out = netConvOutShape(l);
    return {
      family: 'nets',
      name: l.family,
      shape: netConvLabel(l),
      flops: convFlops({
        batch: l.input[0],
        inChannels: l.input[1],
        outChannels: out[1],
        outH: out[2],
        outW: out[3],
        kh: l.weight[2],
        kw: l.weight[3],
        groups: l.groups,
      }),
    };
  }
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

/** A thread count in one page load: `'cores'` = `navigator.hardwareConcurrency`, or a count. */
export type PageThreads = 'cores' | number;

/** `threads` as a count on a page with `hardwareConcurrency` logical cores. */
export function resolveThreads(threads: PageThreads, hardwareConcurrency: number): number {
  return threads === 'cores' ? hardwareConcurrency : threads;
}

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
  /**
   * onnxruntime-web's pthread pool in this load (`ort.env.wasm.numThreads`, read once when its
   * module initialises). Every session of the page runs on it: the threaded build creates each
   * session with `DisablePerSessionThreads` (its wasm/api.cc), so `intraOpNumThreads` is ignored.
   */
  readonly ortThreads: PageThreads;
  /** The onnxruntime-web contender of this load: `ort-wasm-1t` needs a pool of one thread. */
  readonly ort: readonly OrtName[];
}

/**
 * The two page loads, in order. Like tfjs-wasm, onnxruntime-web sizes its thread pool once per
 * page and every session shares it, so each load has one onnxruntime-web contender: `ort-wasm` on
 * a pool of every core in load 1, `ort-wasm-1t` on a pool of one thread (no workers) in load 2.
 */
export const PAGE_LOADS: readonly PageLoad[] = [
  {
    id: 'threaded',
    tfjsThreads: 'cores',
    torchlet: ['torchlet-wasm-1t', 'torchlet-wasm'],
    ortThreads: 'cores',
    ort: ['ort-wasm'],
  },
  { id: 'single', tfjsThreads: 1, torchlet: ['torchlet-wasm-1t'], ortThreads: 1, ort: ['ort-wasm-1t'] },
];

/**
 * The threads an onnxruntime-web contender computes on: its page's pool, whatever the session
 * options say (see {@link PageLoad.ortThreads}). Throws for `ort-wasm-1t` on a larger pool, which
 * would run on every thread of it under a one-thread name.
 */
export function ortSessionThreads(name: OrtName, poolThreads: number): number {
  if (name === 'ort-wasm-1t' && poolThreads !== 1) {
    throw new Error(
      `ort-wasm-1t: onnxruntime-web's pool has ${poolThreads} threads and every session runs on all of them; ` +
        'it needs a page with ort.env.wasm.numThreads = 1',
    );
  }
  return poolThreads;
}

/** A float32 initializer of an {@link OrtGraph}: its values are `randomData(size, seed)` (../data.ts). */
export interface OrtInitializerSpec {
  readonly name: string;
  readonly dims: readonly number[];
  readonly seed: number;
}

/**
 * The single-op ONNX model onnxruntime-web runs for a workload, as data: the graph input `x` of
 * shape `inShape` holds `randomData(size, inputSeed)`, the weights are initializers, the output is
 * `y`. Main.ts serialises it with ../onnx-model.ts (Node) and serves the bytes; the page makes the
 * input. The seeds are the other contenders' (../conv-cases.ts: x 1, w 2, dy 3; the matmul
 * workload: 30 + n and 31 + n), so all of them compute on the same numbers.
 */
export interface OrtGraph {
  readonly inShape: readonly number[];
  readonly inputSeed: number;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OrtInitializerSpec[];
}

/** The fixed seeds of ../conv-cases.ts's data. */
export const CONV_SEEDS = { x: 1, w: 2, dy: 3 } as const;

/** The fixed seeds of the matmul workload's two operands (page workloads.ts). */
export function matmulSeeds(n: number): { a: number; b: number } {
  return { a: 30 + n, b: 31 + n };
}

/**
 * onnxruntime-web's model of a workload, or null where it has no kernel: `MatMul` (B an
 * initializer), `Conv`, and `ConvTranspose` for the input gradient (a conv's OIHW weight is
 * ConvTranspose's [C_in, C_out / group, kh, kw], the same call tfjs's `conv2dTranspose` makes).
 * ONNX Runtime's web build has no training kernels, so the weight gradient has no model.
 */
export function ortGraph(w: BrowserWorkloadSpec): OrtGraph | null {
  if (w.op === 'matmul') {
    const seeds = matmulSeeds(w.size);
    return {
      inShape: [w.size, w.size],
      inputSeed: seeds.a,
      nodes: [{ op: 'MatMul', inputs: ['x', 'b'], outputs: ['y'] }],
      initializers: [{ name: 'b', dims: [w.size, w.size], seed: seeds.b }],
    };
  }
  // The networks' models are exported in the page (wholenets-page.ts); no training kernels.
  if (w.op === 'conv2d forward+backward' || w.op === 'wholenet forward') return null;
  if (w.op === 'net conv') {
    const l = w.layer;
    const p = l.padding;
    return {
      inShape: l.input,
      inputSeed: NET_SEEDS.x,
      nodes: [
        {
          op: 'Conv',
          inputs: ['x', 'w'],
          outputs: ['y'],
          attrs: {
            kernel_shape: l.weight.slice(2),
            strides: [l.stride, l.stride],
            pads: [p, p, p, p],
            dilations: [l.dilation, l.dilation],
            group: l.groups,
          },
        },
      ],
      initializers: [{ name: 'w', dims: l.weight, seed: NET_SEEDS.w }],
    };
  }
  const g = convGeometry(convShape(w.conv));
  const [ph, pw] = g.padding;
  const attrs = { kernel_shape: g.wShape.slice(2), strides: [1, 1], pads: [ph, pw, ph, pw] };
  const weight = { name: 'w', dims: g.wShape, seed: CONV_SEEDS.w };
  if (w.op === 'conv2d forward') {
    return {
      inShape: g.inShape,
      inputSeed: CONV_SEEDS.x,
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs }],
      initializers: [weight],
    };
  }
  return {
    inShape: g.outShape,
    inputSeed: CONV_SEEDS.dy,
    nodes: [{ op: 'ConvTranspose', inputs: ['x', 'w'], outputs: ['y'], attrs }],
    initializers: [weight],
  };
}

/** Where the server (main.ts) puts the WebAssembly binaries and where the page (page.ts) loads them. */
export const PAGE_PATHS = {
  /** `@torchlet/kernels/gemm.wasm`. */
  gemm: '/wasm/gemm.wasm',
  /** `@torchlet/kernels/gemm-mt.wasm` (shared memory, for the worker threads). */
  gemmMt: '/wasm/gemm-mt.wasm',
  /** tfjs-backend-wasm's three `.wasm` builds (`setWasmPaths` prefix). */
  tfjsDir: '/tfjs/',
  /** onnxruntime-web's own files ({@link ORT_FILES}; `ort.env.wasm.wasmPaths` prefix). */
  ortDir: '/ort/',
  /** The serialised {@link ortGraph} of workload `i`: `${ortModels}${i}.onnx`. */
  ortModels: '/ort-models/',
  /** A one-node model the page runs once in setup, so onnxruntime-web initialises and starts its threads. */
  ortProbe: '/ort-models/probe.onnx',
} as const;

/**
 * The files of onnxruntime-web's `dist/` the page loads, as the package ships them: its
 * WebAssembly-only ES module (the `onnxruntime-web/wasm` export built to fetch its binary), the
 * Emscripten glue (also each pthread worker's script) and the SIMD + threads binary.
 */
export const ORT_FILES = {
  module: 'ort.wasm.min.mjs',
  glue: 'ort-wasm-simd-threaded.mjs',
  wasm: 'ort-wasm-simd-threaded.wasm',
} as const;

/** The URL path of workload `index`'s ONNX model. */
export function ortModelPath(index: number): string {
  return `${PAGE_PATHS.ortModels}${index}.onnx`;
}
