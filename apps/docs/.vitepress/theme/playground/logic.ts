// The playground's computations, kept apart from the Vue component so they can be tested in Node.
// Everything numeric goes through the torchlet packages; this file only builds inputs and loops.
import { getBackendInfo } from '@torchlet/kernels';
import { Conv2d } from '@torchlet/nn';
import { conv2d, corr2d } from '@torchlet/ops';
import {
  getBackend,
  initWebGPU,
  matmul,
  setBackend,
  type Tensor,
  tensor,
  getBackendInfo as tensorBackendInfo,
} from '@torchlet/tensor';

/** A small 2-D grid of numbers, row-major, as the heatmaps show it. */
export type Grid = number[][];

/** The input images the page offers. */
export const IMAGES = {
  edge: 'The book’s edge image (6×8, black stripe in the middle)',
  diagonal: 'A diagonal line (eye(8))',
  step: 'A step edge (8×8, dark left, bright right)',
  draw: 'Draw on an 8×8 grid',
} as const;
export type ImageName = keyof typeof IMAGES;

/** What each input image shows, in a sentence (the page shows it under the selects). */
export const IMAGE_NOTES: Record<ImageName, string> = {
  edge: 'the book’s image: white (1) with a black (0) stripe in columns 2 to 5, two vertical edges.',
  diagonal: 'a white diagonal line on black: every pixel on it is both a vertical and a horizontal edge.',
  step: 'black on the left, white on the right: one vertical edge in the middle.',
  draw: 'an empty 8×8 image: click, tap or press Enter on cells to paint them white.',
};

/** The book's image: ones([6, 8]) with columns 2..5 set to 0 (`X[:, 2:6] = 0`). */
export function edgeImage(): Grid {
  return Array.from({ length: 6 }, () => Array.from({ length: 8 }, (_, j) => (j >= 2 && j < 6 ? 0 : 1)));
}

/** The identity image eye(n): the book's "diagonal" exercise. */
export function diagonalImage(n = 8): Grid {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** A vertical step edge: 0 in the left half, 1 in the right half. */
export function stepImage(h = 8, w = 8): Grid {
  return Array.from({ length: h }, () => Array.from({ length: w }, (_, j) => (j >= w / 2 ? 1 : 0)));
}

/** The starting grid of the drawing mode: all zeros. */
export function blankImage(h = 8, w = 8): Grid {
  return Array.from({ length: h }, () => new Array<number>(w).fill(0));
}

export function image(name: ImageName): Grid {
  switch (name) {
    case 'edge':
      return edgeImage();
    case 'diagonal':
      return diagonalImage();
    case 'step':
      return stepImage();
    case 'draw':
      return blankImage();
  }
}

/** The kernel presets the page offers. */
export const KERNELS = {
  edge: '[1, −1]: the book’s vertical-edge detector',
  edgeT: '[1, −1]ᵀ: its transpose (horizontal edges)',
  laplacian: 'Laplacian (3×3)',
  blur: 'Box blur (3×3 average)',
  directional: 'Directional edge at an angle (Sobel)',
  custom: 'Type your own',
} as const;
export type KernelName = keyof typeof KERNELS;

/** What each kernel computes, in a sentence. */
export const KERNEL_NOTES: Record<KernelName, string> = {
  edge: '[1, −1] subtracts each pixel’s right neighbour: 1 where white turns black, −1 where black turns white, 0 on flat areas.',
  edgeT: 'the same difference downwards, so it finds horizontal edges and misses vertical ones.',
  laplacian: 'a second derivative: 0 on flat and linear areas, strongest on dots, thin lines and corners.',
  blur: 'the average of each 3×3 window: it smooths, and shrinks the image by 2 in each direction.',
  directional: 'Sobel’s derivative along the angle: it finds edges perpendicular to that direction.',
  custom: 'your own numbers; the output is the sum of each window of X times them.',
};

const round = (v: number, digits = 4): number => {
  const r = Math.round(v * 10 ** digits) / 10 ** digits;
  return r === 0 ? 0 : r; // no -0 in the display
};

/**
 * A 3×3 edge detector for edges running perpendicular to `degrees`: the Sobel derivative
 * along that direction, `cos θ · Gx + sin θ · Gy` (0° finds vertical edges like [1, −1]).
 */
export function directionalKernel(degrees: number): Grid {
  const t = (degrees * Math.PI) / 180;
  const gx = [
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ];
  return gx.map((row, i) => row.map((_, j) => round(Math.cos(t) * gx[i][j] + Math.sin(t) * gx[j][i])));
}

export function kernel(name: Exclude<KernelName, 'custom'>, degrees = 0): Grid {
  switch (name) {
    case 'edge':
      return [[1, -1]];
    case 'edgeT':
      return [[1], [-1]];
    case 'laplacian':
      return [
        [0, 1, 0],
        [1, -4, 1],
        [0, 1, 0],
      ];
    case 'blur':
      return Array.from({ length: 3 }, () => [1 / 9, 1 / 9, 1 / 9]);
    case 'directional':
      return directionalKernel(degrees);
  }
}

/** Parses a typed kernel (`[[1, -1]]`, `1 -1`, or rows separated by `;` / new lines). */
export function parseKernel(text: string): Grid {
  const trimmed = text.trim();
  let rows: number[][];
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    const nested = Array.isArray(parsed) && parsed.every((r) => Array.isArray(r)) ? parsed : [parsed];
    rows = (nested as unknown[][]).map((r) => r.map((v) => Number(v)));
  } else {
    rows = trimmed
      .split(/[;\n]+/)
      .map((r) => r.trim())
      .filter(Boolean)
      .map((r) => r.split(/[\s,]+/).map(Number));
  }
  if (rows.length === 0 || rows[0].length === 0) throw new Error('the kernel is empty');
  if (rows.some((r) => r.length !== rows[0].length)) throw new Error('every row of the kernel needs the same length');
  if (rows.some((r) => r.some((v) => !Number.isFinite(v)))) throw new Error('the kernel must hold numbers only');
  return rows;
}

export function toTensor(g: Grid): Tensor {
  return tensor(g);
}

export function toGrid(t: Tensor): Grid {
  return t.toArray() as Grid;
}

/** The output heatmap: `corr2d(X, K)`, or an explanation when K does not fit in X. */
export function correlate(X: Grid, K: Grid): { Y: Grid } | { error: string } {
  try {
    return { Y: toGrid(corr2d(toTensor(X), toTensor(K))) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Padding, stride and dilation of the playground's convolution (the same along both axes). */
export interface ConvSettings {
  readonly padding: number;
  readonly stride: number;
  readonly dilation: number;
}
export const PLAIN: ConvSettings = { padding: 0, stride: 1, dilation: 1 };

/** One output size: `floor((n + 2p - d(k - 1) - 1) / s) + 1` (PyTorch's Conv2d formula). */
export function outputSize(n: number, k: number, { padding, stride, dilation }: ConvSettings): number {
  return Math.floor((n + 2 * padding - dilation * (k - 1) - 1) / stride) + 1;
}

/** The output-shape formula with this input's numbers put in, for one axis. */
export function outputSizeFormula(axis: 'H' | 'W', n: number, k: number, c: ConvSettings): string {
  const kName = axis === 'H' ? 'kh' : 'kw';
  const out = outputSize(n, k, c);
  return (
    `${axis}out = ⌊(${axis} + 2p − d·(${kName} − 1) − 1) / s⌋ + 1` +
    ` = ⌊(${n} + ${2 * c.padding} − ${c.dilation * (k - 1)} − 1) / ${c.stride}⌋ + 1 = ${out}`
  );
}

/**
 * `Y = conv2d(X, K)` of `@torchlet/ops` with padding, stride and dilation (plain settings give
 * `corr2d(X, K)`, the book's function), or an explanation when the kernel does not fit.
 */
export function convolve(X: Grid, K: Grid, c: ConvSettings = PLAIN): { Y: Grid } | { error: string } {
  if (c.padding === 0 && c.stride === 1 && c.dilation === 1) return correlate(X, K);
  try {
    const x = tensor([[X]]);
    const k = tensor([[K]]);
    const y = conv2d(x, k, null, { padding: c.padding, stride: c.stride, dilation: c.dilation });
    return { Y: toGrid(y.reshape([y.shape[2], y.shape[3]])) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** A cell `[row, col]` of a grid. */
export type Cell = readonly [number, number];

/**
 * The receptive window of output cell `(i, j)`: the input cells its kernel taps read, as
 * `[row, col, tap]` in input coordinates (rows/cols outside `0..h-1`/`0..w-1` are padding).
 */
export function receptiveWindow(i: number, j: number, kh: number, kw: number, c: ConvSettings): Cell[] {
  const cells: Cell[] = [];
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      cells.push([i * c.stride - c.padding + a * c.dilation, j * c.stride - c.padding + b * c.dilation]);
    }
  }
  return cells;
}

/** The output cells whose window reads input cell `(r, col)`: the reverse of {@link receptiveWindow}. */
export function outputsReading(
  r: number,
  col: number,
  kh: number,
  kw: number,
  outShape: readonly [number, number],
  c: ConvSettings,
): Cell[] {
  const cells: Cell[] = [];
  for (let i = 0; i < outShape[0]; i++) {
    for (let j = 0; j < outShape[1]; j++) {
      if (receptiveWindow(i, j, kh, kw, c).some(([y, x]) => y === r && x === col)) cells.push([i, j]);
    }
  }
  return cells;
}

/** Initial kernels for "learn the kernel": the three runs recorded from PyTorch, and a random one. */
export const INITS = {
  golden2: { label: '[[−0.375, 0.125]] (PyTorch run 2)', init: [[-0.375, 0.125]] },
  golden1: { label: '[[0.25, 0.5]] (PyTorch run 1)', init: [[0.25, 0.5]] },
  golden3: { label: '[[0, 0]] (PyTorch run 3)', init: [[0, 0]] },
  random: { label: 'Random, uniform in [−1, 1]', init: null },
} as const;
export type InitName = keyof typeof INITS;

/** One epoch of the learning loop. */
export interface EpochResult {
  readonly epoch: number;
  /** `l.sum()` before the update, as the book prints it. */
  readonly loss: number;
  /** The kernel after the update. */
  readonly weight: Grid;
}

/**
 * The book's "learning a kernel" loop, with the book's own pieces: `@torchlet/nn`'s
 * `Conv2d(1, 1, [1, 2], { bias: false })` trained by `@torchlet/autograd` on the edge image X to
 * reproduce `Y = corr2d(X, [[1, -1]])` with squared loss and plain SGD. Per epoch:
 * `Y_hat = conv2d.forward(X)`, `l = (Y_hat - Y) ** 2`, `conv2d.zeroGrad()`, `l.sum().backward()`,
 * `w -= lr * w.grad`: the numbers match PyTorch's float32 run.
 */
export function* learnKernel(init: Grid, options: { lr?: number; epochs?: number } = {}): Generator<EpochResult> {
  const lr = options.lr ?? 0.03;
  const epochs = options.epochs ?? 10;
  const kh = init.length;
  const kw = init[0].length;
  if (kh !== 1 || kw !== 2) throw new Error(`learnKernel: the book learns a 1×2 kernel, got ${kh}×${kw}`);
  const Xg = edgeImage();
  // The layer takes 4-D input and output: (batch size, channel, height, width)
  const X = tensor([[Xg]]); // [1, 1, 6, 8]
  const Y = corr2d(tensor(Xg), tensor([[1, -1]])).reshape([1, 1, 6, 7]);
  const conv = new Conv2d(1, 1, [1, 2], { bias: false });
  conv.weight.data.copyInPlace(tensor([[init]]));
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const Yhat = conv.forward(X);
    const l = Yhat.sub(Y).pow(2);
    conv.zeroGrad();
    l.sum().backward();
    conv.weight.data.subInPlace(conv.weight.grad as Tensor, lr); // update the kernel
    const w = conv.weight.data.toTypedArray();
    yield {
      epoch,
      loss: l.sum().item(),
      weight: Array.from({ length: kh }, (_, r) => Array.from(w.subarray(r * kw, r * kw + kw), Number)),
    };
  }
}

/** Where "learn the kernel" runs: the CPU kernels, or the GPU through WebGPU. */
export type PlaygroundDevice = 'cpu' | 'webgpu';

/** Whether this browser can run the `webgpu` device: the adapter, or the reason it cannot. */
export type WebGPUStatus =
  | { readonly available: true; readonly adapter: string }
  | { readonly available: false; readonly reason: string };

/**
 * Asks for a WebGPU adapter (`initWebGPU()` of `@torchlet/tensor`): `available` with the adapter's
 * vendor and architecture, or the named error's message (no `navigator.gpu`, no adapter, a limit
 * too small). Never rejects.
 */
export async function probeWebGPU(): Promise<WebGPUStatus> {
  try {
    await initWebGPU();
    const { vendor, architecture } = tensorBackendInfo().webgpu;
    return { available: true, adapter: [vendor, architecture].filter((v) => v !== '').join(' ') || 'unknown adapter' };
  } catch (e) {
    return { available: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

/** The last kernel the WebGPU device dispatched (`'none'` before any): the page shows the GPU really ran. */
export function lastWebGPUKernel(): string {
  return tensorBackendInfo().webgpu.lastKernel;
}

/**
 * {@link learnKernel} on a device: the same loop with X, Y and the layer on `device`
 * (`conv.to('webgpu')`, the update in place on the GPU), reading the loss and the kernel back with
 * `await toArrayAsync()` once per epoch, since a GPU tensor has no synchronous reader. On `'cpu'` it
 * yields exactly {@link learnKernel}'s epochs.
 */
export async function* learnKernelOn(
  device: PlaygroundDevice,
  init: Grid,
  options: { lr?: number; epochs?: number } = {},
): AsyncGenerator<EpochResult> {
  if (device === 'cpu') {
    yield* learnKernel(init, options);
    return;
  }
  const lr = options.lr ?? 0.03;
  const epochs = options.epochs ?? 10;
  const kh = init.length;
  const kw = init[0].length;
  if (kh !== 1 || kw !== 2) throw new Error(`learnKernel: the book learns a 1×2 kernel, got ${kh}×${kw}`);
  const Xg = edgeImage();
  const X = tensor([[Xg]]).to(device);
  const Y = corr2d(tensor(Xg), tensor([[1, -1]]))
    .reshape([1, 1, 6, 7])
    .to(device);
  const conv = new Conv2d(1, 1, [1, 2], { bias: false });
  conv.weight.data.copyInPlace(tensor([[init]]));
  conv.to(device);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const Yhat = conv.forward(X);
    const l = Yhat.sub(Y).pow(2);
    conv.zeroGrad();
    l.sum().backward();
    conv.weight.data.subInPlace(conv.weight.grad as Tensor, lr); // update the kernel, on the device
    const loss = (await l.sum().data.toArrayAsync()) as number;
    const w = (await conv.weight.data.reshape([kh, kw]).toArrayAsync()) as Grid;
    yield { epoch, loss, weight: w };
  }
}

/** A random initial 1×2 kernel, uniform in [−1, 1]. */
export function randomInit(): Grid {
  return [[round(Math.random() * 2 - 1, 3), round(Math.random() * 2 - 1, 3)]];
}

// ---- which backend computes --------------------------------------------------------------------

/** What the page says about the compute backend, from `getBackendInfo()` of `@torchlet/kernels`. */
export interface BackendStatus {
  readonly simd: boolean;
  readonly wasmLoaded: boolean;
  /** Threads a large product runs on now (Web Workers need a cross-origin isolated page). */
  readonly threads: number;
  /** Whether the page is cross-origin isolated (served with COOP/COEP headers). */
  readonly isolated: boolean;
  /** `WebAssembly SIMD (gemm, conv2d) on 2 threads` or `JavaScript fallback (...)`. */
  readonly label: string;
  readonly error: string;
}

export function backendStatus(): BackendStatus {
  const info = getBackendInfo();
  // Fewer threads than requested with an error: say why (typically, no cross-origin isolation).
  const why = info.threadsActive < info.threads && info.error ? ` (${info.error})` : '';
  const threads = `on ${info.threadsActive} thread${info.threadsActive === 1 ? '' : 's'}${why}`;
  const label = info.wasmLoaded
    ? `WebAssembly SIMD (${info.kernels.map((k) => k.replace(/^wasm-simd128-/, '')).join(', ')}) ${threads}`
    : `JavaScript fallback${info.error ? ` (${info.error})` : info.simd ? ' (WebAssembly not loaded yet)' : ' (no WebAssembly SIMD)'}`;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  return {
    simd: info.simd,
    wasmLoaded: info.wasmLoaded,
    threads: info.threadsActive,
    isolated,
    label,
    error: info.error,
  };
}

/** Small integers, so every product and sum is exact in float32 whatever the summation order. */
function ints(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => ((i * 5 + seed) % 7) - 3);
}

/** Side of the self-check's large matmul: 192³ multiply-adds is past the 2^22 that worker threads split. */
export const BIG = 192;

/**
 * The self-check's inputs: a 16×24 @ 24×16 matmul, a [1,2,8,8] ⋆ [8,2,3,3] conv2d (padding 1), and
 * a {@link BIG}² @ {@link BIG}² matmul large enough to run on the worker threads when there are any.
 */
export function checkInputs(): { a: Tensor; b: Tensor; x: Tensor; w: Tensor; bigA: Tensor; bigB: Tensor } {
  return {
    a: tensor(ints(16 * 24, 1), { shape: [16, 24] }),
    b: tensor(ints(24 * 16, 5), { shape: [24, 16] }),
    x: tensor(ints(2 * 8 * 8, 2), { shape: [1, 2, 8, 8] }),
    w: tensor(ints(8 * 2 * 3 * 3, 4), { shape: [8, 2, 3, 3] }),
    bigA: tensor(ints(BIG * BIG, 3), { shape: [BIG, BIG] }),
    bigB: tensor(ints(BIG * BIG, 6), { shape: [BIG, BIG] }),
  };
}

/** A position-weighted checksum, so a swapped or missing element changes it (exact: small integers). */
export function checksum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s = (s + values[i] * ((i % 1009) + 1)) % 1_000_003;
  return s;
}

/** The self-check computed by the JavaScript kernels only (`setBackend('js')`, conv2d's direct loop). */
export function referenceCheck(): { matmul: number[]; conv: number[]; bigChecksum: number } {
  const { a, b, x, w, bigA, bigB } = checkInputs();
  const before = getBackend();
  setBackend('js');
  try {
    return {
      matmul: Array.from(matmul(a, b).toTypedArray(), Number),
      conv: Array.from(conv2d(x, w, null, { padding: 1, kernel: 'direct' }).toTypedArray(), Number),
      bigChecksum: checksum(matmul(bigA, bigB).toTypedArray() as ArrayLike<number>),
    };
  } finally {
    setBackend(before);
  }
}

/** The self-check as the page runs it: with the default backend, and the kernel that ran each part. */
export interface BackendCheck {
  readonly matmul: number[];
  readonly conv: number[];
  /** `getBackendInfo().lastKernel` after the matmul and after the conv2d (`'js'` when WebAssembly declined). */
  readonly matmulKernel: string;
  readonly convKernel: string;
  /** The large matmul's checksum, and the kernel that ran it (`... x2 threads` when split). */
  readonly bigChecksum: number;
  readonly bigKernel: string;
  /** Whether all three results equal {@link referenceCheck}'s. */
  readonly same: boolean;
}

export function backendCheck(): BackendCheck {
  const { a, b, x, w, bigA, bigB } = checkInputs();
  const mm = Array.from(matmul(a, b).toTypedArray(), Number);
  const matmulKernel = getBackendInfo().lastKernel;
  // 'wasm' explicitly: 'auto' runs a problem this small with the direct loop.
  const conv = Array.from(conv2d(x, w, null, { padding: 1, kernel: 'wasm' }).toTypedArray(), Number);
  const convKernel = getBackendInfo().lastKernel;
  const bigChecksum = checksum(matmul(bigA, bigB).toTypedArray() as ArrayLike<number>);
  const bigKernel = getBackendInfo().lastKernel;
  const ref = referenceCheck();
  const same =
    mm.every((v, i) => v === ref.matmul[i]) &&
    conv.every((v, i) => v === ref.conv[i]) &&
    bigChecksum === ref.bigChecksum;
  return { matmul: mm, conv, matmulKernel, convKernel, bigChecksum, bigKernel, same };
}
