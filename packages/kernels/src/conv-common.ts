// What the conv2d kernels (conv.ts: forward, conv-backward.ts: weight gradient) share: the choice
// of module, the size of a zero-bordered image, the copy of a chunk of images into memory, and
// the head of the descriptor (fields 0 to 19, assembly/conv.ts's layout, which both kernels'
// assembly reads: conv2dPadPart pads for either).

import type { Conv2dActivation, Conv2dGeometry } from './conv.js';
import { describeArgument, KernelArgumentError } from './errors.js';
import { type FloatArray, noteKernel } from './gemm.js';
import { type GemmExports, gemmModule } from './loader.js';
import { type ThreadPool, threadPool } from './threads.js';

/** The fields of a {@link Conv2dGeometry}, each a non-negative safe integer. */
export const CONV2D_GEOMETRY_FIELDS = [
  'batch',
  'inChannels',
  'inH',
  'inW',
  'outChannels',
  'kh',
  'kw',
  'groups',
  'strideH',
  'strideW',
  'padTop',
  'padLeft',
  'dilationH',
  'dilationW',
  'outH',
  'outW',
] as const;

/** `the geometry [N,Cin,H,W] -> [N,Cout,OH,OW]`, for the messages of {@link checkFloatOperand}. */
export function geometryText(g: Conv2dGeometry): string {
  return `the geometry [${g.batch},${g.inChannels},${g.inH},${g.inW}] -> [${g.batch},${g.outChannels},${g.outH},${g.outW}]`;
}

/**
 * Throws a KernelArgumentError naming `fn` and `name` unless `a` is a Float32Array or
 * Float64Array of at least `need` elements; `shape` says what needs them (the geometry).
 */
export function checkFloatOperand(fn: string, name: string, a: unknown, need: number, shape: string): void {
  if (!(a instanceof Float32Array || a instanceof Float64Array)) {
    throw new KernelArgumentError(
      fn,
      name,
      `${name} must be a Float32Array or Float64Array, got ${describeArgument(a)}`,
    );
  }
  if (a.length < need) {
    throw new KernelArgumentError(fn, name, `${name} has ${a.length} elements, ${shape} needs ${need}`);
  }
}

/**
 * The activation of a forward call's `options`, checked: 'relu', `{ clamp: [lo, hi] }` of numbers,
 * or null (also for no options or no activation). Anything else throws a KernelArgumentError
 * naming `fn`.
 */
export function checkActivationOption(fn: string, options: unknown): Conv2dActivation | null {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new KernelArgumentError(fn, 'options', `options must be an object, got ${describeArgument(options)}`);
  }
  const act: unknown = options === undefined ? null : (options as { activation?: unknown }).activation;
  if (act === null || act === undefined || act === 'relu') return act ?? null;
  const clamp = typeof act === 'object' ? (act as { clamp?: unknown }).clamp : undefined;
  if (Array.isArray(clamp) && clamp.length === 2 && typeof clamp[0] === 'number' && typeof clamp[1] === 'number') {
    return { clamp: [clamp[0], clamp[1]] };
  }
  throw new KernelArgumentError(
    fn,
    'options',
    `options.activation must be 'relu', { clamp: [lo, hi] } or null, got ${describeArgument(act)}`,
  );
}

/**
 * Throws a KernelArgumentError naming `fn` unless `g` is an object whose geometry fields are all
 * non-negative safe integers (what the kernels read before they look at the operands).
 */
export function checkConv2dGeometry(fn: string, g: unknown): asserts g is Conv2dGeometry {
  if (typeof g !== 'object' || g === null) {
    throw new KernelArgumentError(fn, 'g', `expected a Conv2dGeometry object, got ${describeArgument(g)}`);
  }
  const record = g as Record<string, unknown>;
  for (const f of CONV2D_GEOMETRY_FIELDS) {
    const v = record[f];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw new KernelArgumentError(fn, 'g', `g.${f} must be a non-negative integer, got ${describeArgument(v)}`);
    }
  }
}

/** The modules a conv2d kernel can run on: the worker pool (null without threads) and a module for this thread. */
export interface ConvModules {
  readonly pool: ThreadPool | null;
  readonly single: GemmExports;
}

/**
 * The modules for a call of `kernel`, noted as the last kernel; null, noted as 'js' (the caller
 * runs its own kernel), when an operand is not a `Float32Array` (null operands are absent ones)
 * or no module is available.
 */
export function convModules(kernel: string, operands: readonly (FloatArray | null)[]): ConvModules | null {
  if (operands.every((a) => a === null || a instanceof Float32Array)) {
    const pool = threadPool();
    const single = gemmModule() ?? pool?.exports ?? null;
    if (single !== null) {
      noteKernel(kernel);
      return { pool, single };
    }
  }
  noteKernel('js');
  return null;
}

/**
 * Height and width of an input image with its zero border (the top/left padding, and bottom/right
 * as far as the kernel reads), and whether it has a border at all.
 */
export function paddedSize(g: Conv2dGeometry): { hp: number; wp: number; padded: boolean } {
  const hp = Math.max(g.inH + g.padTop, (g.outH - 1) * g.strideH + (g.kh - 1) * g.dilationH + 1);
  const wp = Math.max(g.inW + g.padLeft, (g.outW - 1) * g.strideW + (g.kw - 1) * g.dilationW + 1);
  return { hp, wp, padded: hp !== g.inH || wp !== g.inW || g.padTop !== 0 || g.padLeft !== 0 };
}

/**
 * Copies images `[n0, n0 + nb)` of `x` (`img` floats each) into `mem` from float index `at`, each
 * to the start of its slot of `slot` floats (padding then spreads it over the slot in place);
 * unpadded slots are the dense images, so one copy does.
 */
export function stageImages(
  mem: Float32Array,
  at: number,
  x: FloatArray,
  n0: number,
  nb: number,
  img: number,
  slot: number,
  padded: boolean,
): void {
  if (!padded) mem.set(x.subarray(n0 * img, (n0 + nb) * img), at);
  else for (let i = 0; i < nb; i++) mem.set(x.subarray((n0 + i) * img, (n0 + i + 1) * img), at + i * slot);
}

/**
 * Fields 0 to 19 of a conv kernel's descriptor (see assembly/conv.ts): images per chunk, the
 * geometry, the zero-bordered size, an unused field, and the byte address of the zero-bordered
 * input. Each kernel appends its own fields.
 */
export function descriptorHead(g: Conv2dGeometry, per: number, hp: number, wp: number, xpadAt: number): number[] {
  return [
    per,
    g.inChannels,
    g.inH,
    g.inW,
    g.outChannels,
    g.kh,
    g.kw,
    g.groups,
    g.strideH,
    g.strideW,
    g.padTop,
    g.padLeft,
    g.dilationH,
    g.dilationW,
    g.outH,
    g.outW,
    hp,
    wp,
    0,
    xpadAt,
  ];
}

/** One value through a conv's fused activation, as the module applies it (for float32 outputs). */
function activate(activation: Conv2dActivation | null, v: number): number {
  if (activation === null) return v;
  if (activation === 'relu') return Math.max(v, 0); // NaN stays NaN, -0 becomes 0, as the module's ReLU
  return Math.min(Math.max(v, activation.clamp[0]), activation.clamp[1]);
}

/**
 * The output of a conv with no taps (k = 0): every plane is its channel's bias (or 0) through the
 * activation. `out` is [batch, cout, l].
 */
export function fillWithBias(
  out: FloatArray,
  bias: FloatArray | null,
  activation: Conv2dActivation | null,
  batch: number,
  cout: number,
  l: number,
): void {
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < cout; oc++) {
      const v = bias === null ? 0 : bias[oc];
      out.fill(activate(activation, v), (n * cout + oc) * l, (n * cout + oc + 1) * l);
    }
  }
}
