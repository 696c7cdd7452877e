import { fail, formatShape, formatValue } from '@torchlet/tensor';

/**
 * How {@link interpolate} picks values: `'nearest'` (PyTorch's legacy nearest, `floor(i * in/out)`),
 * `'nearest-exact'` (pixel centres, `floor((i + 0.5) * in/out)`, what PIL and OpenCV do) or
 * `'bilinear'`.
 *
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { type InterpolateMode, interpolate } from '@torchlet/ops';
 * const mode: InterpolateMode = 'bilinear';
 * interpolate(ones([1, 1, 2, 2]), { size: 3, mode }).shape; // -> [1, 1, 3, 3]
 * ```
 */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'bilinear';

/**
 * Options of {@link interpolate} and {@link interpolateBackward}: exactly one of `size` and
 * `scaleFactor`, as PyTorch's `F.interpolate` takes them.
 *
 * @example
 * ```ts
 * import { ones } from '@torchlet/tensor';
 * import { type InterpolateOptions, interpolate } from '@torchlet/ops';
 * const options: InterpolateOptions = { scaleFactor: 1.5, mode: 'bilinear', alignCorners: true };
 * interpolate(ones([1, 2, 4, 4]), options).shape; // -> [1, 2, 6, 6]
 * ```
 */
export interface InterpolateOptions {
  /** Output `[H, W]` (one int for both). */
  readonly size?: number | readonly [number, number];
  /** Multiplier of the input's H and W (one number for both); the output is `floor(H * s)`. */
  readonly scaleFactor?: number | readonly [number, number];
  /** Default `'nearest'`, as PyTorch. */
  readonly mode?: InterpolateMode;
  /**
   * Bilinear only: map the corner pixels' centres onto each other (`src = dst * (in-1)/(out-1)`)
   * instead of the pixel areas (`src = (dst + 0.5) * in/out - 0.5`). Default `false`; setting it
   * with a nearest mode is an error, as in PyTorch.
   */
  readonly alignCorners?: boolean;
  /**
   * With `scaleFactor`: compute the source coordinates from the rounded output size (`in/out`)
   * instead of from `1/scaleFactor`. Default `false` (PyTorch's `None`). Not allowed with `size`.
   */
  readonly recomputeScaleFactor?: boolean;
  /**
   * Bilinear only: antialias when downscaling (PyTorch's `antialias=True`, torchvision's resize
   * with `antialias=True`, PIL's bilinear): each output averages the input pixels under a triangle
   * filter widened by the scale factor, so no pixel is skipped. Upscaling is plain bilinear but at
   * the borders. Default `false`, as PyTorch.
   */
  readonly antialias?: boolean;
}

/** Everything the kernels need, resolved once from the options and the input's shape. */
export interface InterpolatePlan {
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean;
  /** Bilinear with an antialiasing filter (separable tables, see antialias.ts). */
  readonly antialias: boolean;
  /** Output H and W. */
  readonly outH: number;
  readonly outW: number;
  /** The user's scale factors when the kernel should use them (PyTorch's `scales_h/w`), else null. */
  readonly scaleH: number | null;
  readonly scaleW: number | null;
}

function pairOf(fn: string, arg: string, v: unknown, isValid: (x: unknown) => boolean, what: string): [number, number] {
  const p: readonly unknown[] = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : [];
  if (p.length !== 2 || !p.every(isValid))
    fail(fn, arg, `${arg} must be ${what} or a pair of them, got ${formatValue(v)}`);
  return [p[0] as number, p[1] as number];
}

const MODES: readonly string[] = ['nearest', 'nearest-exact', 'bilinear'];

/**
 * Resolves the output size and the kernels' scales from `options` for an input of `shape`
 * (`[N, C, H, W]`), with PyTorch 1.13's `F.interpolate` rules and messages.
 */
export function planInterpolate(fn: string, shape: readonly number[], options: InterpolateOptions): InterpolatePlan {
  if (typeof options !== 'object' || options === null)
    fail(fn, 'options', `expected an options object, got ${String(options)}`);
  const mode = options.mode ?? 'nearest';
  if (!MODES.includes(mode))
    fail(fn, 'mode', `mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${formatValue(mode)}`);
  if (options.alignCorners !== undefined && mode !== 'bilinear') {
    fail(fn, 'alignCorners', `alignCorners can only be set with the interpolating modes (bilinear), not '${mode}'`);
  }
  const alignCorners = options.alignCorners ?? false;
  const antialias = options.antialias ?? false;
  if (typeof antialias !== 'boolean')
    fail(fn, 'antialias', `antialias must be a boolean, got ${formatValue(antialias)}`);
  if (antialias && mode !== 'bilinear')
    fail(fn, 'antialias', `antialias is only supported with the bilinear mode, not '${mode}'`);
  const { size, scaleFactor } = options;
  const hasSize = size !== undefined && size !== null;
  const hasScale = scaleFactor !== undefined && scaleFactor !== null;
  if (hasSize && hasScale) fail(fn, 'options', 'only one of size or scaleFactor should be defined');
  if (!hasSize && !hasScale) fail(fn, 'options', 'either size or scaleFactor should be defined');
  const recompute = options.recomputeScaleFactor ?? false;
  if (recompute && hasSize)
    fail(fn, 'recomputeScaleFactor', 'recomputeScaleFactor is not meaningful with an explicit size');
  const [h, w] = [shape[2], shape[3]];
  let outH: number;
  let outW: number;
  let scaleH: number | null = null;
  let scaleW: number | null = null;
  if (hasSize) {
    [outH, outW] = pairOf(
      fn,
      'size',
      size,
      (x) => typeof x === 'number' && Number.isInteger(x) && x >= 1,
      'a positive integer',
    );
  } else {
    const [sh, sw] = pairOf(
      fn,
      'scaleFactor',
      scaleFactor,
      (x) => typeof x === 'number' && Number.isFinite(x) && x > 0,
      'a positive finite number',
    );
    // PyTorch truncates the double product (input * scale) to an integer.
    outH = Math.floor(h * sh);
    outW = Math.floor(w * sw);
    if (!recompute) {
      scaleH = sh;
      scaleW = sw;
    }
    if (outH < 1 || outW < 1) {
      fail(
        fn,
        'scaleFactor',
        `input and output sizes should be greater than 0, but got input (H: ${h}, W: ${w}) output (H: ${outH}, W: ${outW}) for scaleFactor ${formatValue(scaleFactor)}`,
      );
    }
  }
  if (h < 1 || w < 1)
    fail(fn, 'input', `input and output sizes should be greater than 0, but got input ${formatShape(shape)}`);
  return { mode, alignCorners, antialias, outH, outW, scaleH, scaleW };
}
