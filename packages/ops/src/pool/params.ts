import { fail, formatShape, formatValue, type Tensor } from '@torchlet/tensor';
import { checkFloatTensor, type IntPair, toPair } from '../params.js';

/**
 * Options shared by the sliding-window pools (`maxPool2d`, `pool2dOutputShape`).
 *
 * @see torch.nn.MaxPool2d
 * @example
 * ```ts
 * import { pool2dOutputShape } from '@torchlet/ops';
 * pool2dOutputShape([1, 1, 5, 5], 3, { stride: 2, padding: 1, dilation: 1, ceilMode: false }); // -> [1, 1, 3, 3]
 * ```
 */
export interface Pool2dOptions {
  /** Window step `[sh, sw]`. Default (or `null`): the kernel size, as PyTorch. */
  readonly stride?: IntPair | null;
  /** Implicit padding on both sides, at most half the kernel size. Default `0`. */
  readonly padding?: IntPair;
  /** Spacing between window elements (max pooling only; average pooling has none). Default `1`. */
  readonly dilation?: IntPair;
  /** Use ceil instead of floor for the output size; the last window must still start inside the input or left padding. Default `false`. */
  readonly ceilMode?: boolean;
}

/**
 * A pooling problem with every option resolved: `n` images (1 for unbatched input) of `c`
 * planes `h x w`, kernel, stride, padding, dilation, and the output size `ho x wo`.
 */
export interface Pool2dGeometry {
  readonly batched: boolean;
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly ph: number;
  readonly pw: number;
  readonly dh: number;
  readonly dw: number;
  readonly ho: number;
  readonly wo: number;
  readonly ceilMode: boolean;
}

/**
 * PyTorch's pooling output size along one dimension (`pooling_output_shape`): floor (or ceil)
 * of `(in + 2*pad - dilation*(kernel-1) - 1) / stride + 1`, and with `ceilMode` one window fewer
 * when the last one would start beyond the input and left padding.
 */
export function poolOutputSize(
  inSize: number,
  kernel: number,
  stride: number,
  pad: number,
  dilation: number,
  ceilMode: boolean,
): number {
  const span = inSize + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  if (ceilMode && (out - 1) * stride >= inSize + pad) out--;
  return out;
}

/** Validates a pooling input: a float tensor of rank 3 (`[C,H,W]`) or 4 (`[N,C,H,W]`) with non-empty planes. */
export function checkPoolInput(fn: string, input: unknown, arg = 'input'): Tensor {
  const x = checkFloatTensor(fn, arg, input);
  checkPoolShape(fn, arg, x.shape);
  return x;
}

/** Validates a pooling shape (of `input`, or an `inputShape` argument): rank 3 or 4, non-empty planes. */
export function checkPoolShape(fn: string, arg: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
    fail(fn, arg, `expected a shape of non-negative integers, got ${formatValue(shape)}`);
  }
  const rank = shape.length;
  if (rank !== 3 && rank !== 4) {
    fail(fn, arg, `expected 3-D [C,H,W] or 4-D [N,C,H,W] ${arg}, got ${rank}-D ${arg} ${formatShape(shape)}`);
  }
  for (let d = rank - 3; d < rank; d++) {
    if (shape[d] === 0)
      fail(fn, arg, `expected non-zero sizes for the non-batch dimensions, got ${arg} ${formatShape(shape)}`);
  }
}

/**
 * Resolves and validates kernel size and options for `inputShape` (rank 3 or 4). Errors name
 * `fn`, the argument and the input shape; the output size formula is {@link poolOutputSize}.
 */
export function resolvePool2d(
  fn: string,
  inputShape: readonly number[],
  kernelSize: IntPair,
  options: Pool2dOptions,
  allowDilation = true,
): Pool2dGeometry {
  checkPoolShape(fn, 'input', inputShape);
  const [kh, kw] = toPair(fn, 'kernelSize', kernelSize, 1);
  const [sh, sw] =
    options.stride === undefined || options.stride === null ? [kh, kw] : toPair(fn, 'stride', options.stride, 1);
  const [ph, pw] = toPair(fn, 'padding', options.padding ?? 0, 0);
  const [dh, dw] = allowDilation ? toPair(fn, 'dilation', options.dilation ?? 1, 1) : [1, 1];
  const ceilMode = options.ceilMode ?? false;
  if (typeof ceilMode !== 'boolean') fail(fn, 'ceilMode', `ceilMode must be a boolean, got ${formatValue(ceilMode)}`);
  if (ph > Math.floor(kh / 2) || pw > Math.floor(kw / 2)) {
    fail(
      fn,
      'padding',
      `pad should be at most half of kernel size, but got padding ${formatShape([ph, pw])} and kernelSize ${formatShape([kh, kw])} (input ${formatShape(inputShape)})`,
    );
  }
  const rank = inputShape.length;
  const h = inputShape[rank - 2];
  const w = inputShape[rank - 1];
  const ho = poolOutputSize(h, kh, sh, ph, dh, ceilMode);
  const wo = poolOutputSize(w, kw, sw, pw, dw, ceilMode);
  if (ho < 1 || wo < 1) {
    fail(
      fn,
      'kernelSize',
      `kernel ${formatShape([kh, kw])} (dilation ${formatShape([dh, dw])}) is larger than the padded input ${formatShape([h + 2 * ph, w + 2 * pw])} (input ${formatShape(inputShape)}, padding ${formatShape([ph, pw])}): output size ${formatShape([ho, wo])} is too small`,
    );
  }
  const batched = rank === 4;
  return {
    batched,
    n: batched ? inputShape[0] : 1,
    c: inputShape[rank - 3],
    h,
    w,
    kh,
    kw,
    sh,
    sw,
    ph,
    pw,
    dh,
    dw,
    ho,
    wo,
    ceilMode,
  };
}

/** The output shape of a resolved pooling problem: `[N,C,Hout,Wout]` or `[C,Hout,Wout]`. */
export function geometryOutputShape(g: Pool2dGeometry): number[] {
  return g.batched ? [g.n, g.c, g.ho, g.wo] : [g.c, g.ho, g.wo];
}

/**
 * The output shape of `maxPool2d` / `avgPool2d` with these options, validating them the same way:
 * the one place the pooling output-size formula lives.
 *
 * Shapes: `[N,C,H,W]` or `[C,H,W]` -> `[N,C,Hout,Wout]` or `[C,Hout,Wout]` with
 * `Hout = floor((H + 2*padding - dilation*(kernel-1) - 1) / stride) + 1` (ceil with `ceilMode`,
 * dropping a last window that would start in the right padding).
 *
 * @param inputShape - The input's shape, `[N, C, H, W]` or `[C, H, W]`.
 * @param kernelSize - The window size, `k` or `[kH, kW]`.
 * @param options - `stride` (default: `kernelSize`), `padding`, `dilation` and `ceilMode`; see
 *   {@link Pool2dOptions}.
 * @returns The output shape `[N, C, H_out, W_out]` (or without `N`); throws a `TorchletError` for windows that
 *   do not fit.
 * @see torch.nn.MaxPool2d (the "Shape" section)
 * @example
 * ```ts
 * import { pool2dOutputShape } from '@torchlet/ops';
 * pool2dOutputShape([1, 1, 4, 4], 3, { padding: 1, stride: 2 }); // -> [1, 1, 2, 2]
 * pool2dOutputShape([1, 1, 5, 5], 2, { ceilMode: true }); // -> [1, 1, 3, 3]
 * ```
 */
export function pool2dOutputShape(
  inputShape: readonly number[],
  kernelSize: IntPair,
  options: Pool2dOptions = {},
): number[] {
  return geometryOutputShape(resolvePool2d('pool2dOutputShape', inputShape, kernelSize, options));
}

/** Checks `upstream` is a float tensor of exactly `expected` shape (the forward output's). */
export function checkUpstream(
  fn: string,
  upstream: unknown,
  expected: readonly number[],
  inputShape: readonly number[],
): Tensor {
  const g = checkFloatTensor(fn, 'upstream', upstream);
  const shape = g.shape;
  if (shape.length !== expected.length || shape.some((s, i) => s !== expected[i])) {
    fail(
      fn,
      'upstream',
      `upstream ${formatShape(shape)} does not match the pooled output shape ${formatShape(expected)} of input ${formatShape(inputShape)}`,
    );
  }
  return g;
}
