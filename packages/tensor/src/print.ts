import { cpuOnly } from './device/transfer.js';
import { fail, formatValue } from './errors.js';
import { isTensor, type Tensor } from './tensor.js';

/**
 * Options of {@link formatTensor}, PyTorch's `torch.set_printoptions` passed per call.
 * Defaults are PyTorch's.
 *
 * @example
 * ```ts
 * import { type PrintOptions, tensor } from '@torchlet/tensor';
 * const options: PrintOptions = { precision: 2 };
 * tensor([1.2345]).toString(options); // -> 'tensor([1.23])'
 * ```
 */
export interface PrintOptions {
  /** Digits after the decimal point for floats. Default `4`. */
  readonly precision?: number;
  /** Element count above which the output is summarised with `...`. Default `1000`. */
  readonly threshold?: number;
  /** Items kept at each end of every summarised dimension (at least 1). Default `3`. */
  readonly edgeitems?: number;
  /** Characters per line before a row wraps. Default `80`. */
  readonly linewidth?: number;
  /** Force (`true`) or forbid (`false`) scientific notation; chosen automatically when omitted. */
  readonly sciMode?: boolean;
  /** Extra `key=value` suffixes after the contents, e.g. `['requires_grad=True']` (used by autograd). */
  readonly suffixes?: readonly string[];
}

interface Opts {
  readonly precision: number;
  readonly threshold: number;
  readonly edgeitems: number;
  readonly linewidth: number;
  readonly sciMode: boolean | undefined;
}

// ---- exact decimal formatting of doubles ------------------------------------------------------
// JS's toFixed/toExponential round ties away from zero; Python's format() rounds the exact binary
// value half-to-even. Ties are real (0.03125 -> '0.0312', 123445000 -> '1.2344e+08'), so every
// digit is produced from the exact value: a double is m * 2^e, i.e. (m * 5^-e) / 10^-e when e < 0.

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Index of the high word of the double in `u32` (little-endian on every supported platform,
// but checked rather than assumed).
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** The exact value of finite `x >= 0` as `digits * 10^-scale` (digits without leading zeros). */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  f64[0] = x;
  const hi = u32[HI];
  const lo = u32[1 - HI];
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  if (exp >= 0) return { digits: mant << BigInt(exp), scale: 0 };
  return { digits: mant * 5n ** BigInt(-exp), scale: -exp };
}

/** Divides by 10^k rounding half to even. */
function roundShift(n: bigint, k: number): bigint {
  if (k <= 0) return n * 10n ** BigInt(-k);
  const div = 10n ** BigInt(k);
  const q = n / div;
  const r2 = (n % div) * 2n;
  return r2 > div || (r2 === div && q % 2n === 1n) ? q + 1n : q;
}

function nonFinite(x: number): string {
  return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
}

/** Python's `'{:.{prec}f}'.format(x)`. */
function formatFixed(x: number, prec: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const { digits, scale } = exactDecimal(Math.abs(x));
  const s = roundShift(digits, scale - prec)
    .toString()
    .padStart(prec + 1, '0');
  return prec === 0 ? sign + s : `${sign}${s.slice(0, s.length - prec)}.${s.slice(s.length - prec)}`;
}

/** Python's `'{:.{prec}e}'.format(x)`. */
function formatExp(x: number, prec: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  let mantissa: string;
  let e: number;
  if (x === 0) {
    mantissa = '0'.repeat(prec + 1);
    e = 0;
  } else {
    const { digits, scale } = exactDecimal(Math.abs(x));
    const len = digits.toString().length;
    e = len - 1 - scale;
    let q = roundShift(digits, len - 1 - prec);
    mantissa = q.toString();
    if (mantissa.length > prec + 1) {
      // rounding carried into a new digit (9.99995 -> 10.0000)
      q /= 10n;
      mantissa = q.toString();
      e++;
    }
  }
  const frac = prec > 0 ? `.${mantissa.slice(1)}` : '';
  const expStr = Math.abs(e).toString().padStart(2, '0');
  return `${sign}${mantissa[0]}${frac}e${e < 0 ? '-' : '+'}${expStr}`;
}

// ---- PyTorch's _Formatter -----------------------------------------------------------------------

/** The width and mode every element of one tensor is printed with (torch/_tensor_str.py `_Formatter`). */
class Formatter {
  readonly floating: boolean;
  readonly isBool: boolean;
  intMode = true;
  sciMode = false;
  maxWidth = 1;

  constructor(
    dtype: Tensor['dtype'],
    values: ArrayLike<number | bigint>,
    private readonly opts: Opts,
  ) {
    this.floating = dtype === 'float32' || dtype === 'float64';
    this.isBool = dtype === 'bool';
    const n = values.length;
    if (!this.floating) {
      for (let i = 0; i < n; i++) this.maxWidth = Math.max(this.maxWidth, this.formatRaw(values[i]).length);
    } else {
      let min = Number.POSITIVE_INFINITY;
      let max = 0;
      let count = 0;
      for (let i = 0; i < n; i++) {
        const v = values[i] as number; // floating dtypes hold numbers
        if (v === 0 || !Number.isFinite(v)) continue;
        count++;
        const a = Math.abs(v);
        if (a < min) min = a;
        if (a > max) max = a;
        if (this.intMode && v !== Math.ceil(v)) this.intMode = false;
      }
      if (count > 0) {
        const prec = opts.precision;
        const sci = max / min > 1000 || max > 1e8 || (!this.intMode && min < 1e-4);
        this.sciMode = sci;
        for (let i = 0; i < n; i++) {
          const v = values[i] as number; // floating dtypes hold numbers
          if (v === 0 || !Number.isFinite(v)) continue;
          const w = sci
            ? formatExp(v, prec).length
            : this.intMode
              ? formatFixed(v, 0).length + 1
              : formatFixed(v, prec).length;
          if (w > this.maxWidth) this.maxWidth = w;
        }
        // As PyTorch, the option applies only when there is a non-zero finite value: zeros, NaN
        // and infinities alone print as `0.`, `nan`, `inf` whatever it says.
        if (opts.sciMode !== undefined) this.sciMode = opts.sciMode;
      }
    }
  }

  private formatRaw(v: number | bigint): string {
    if (this.isBool) return v !== 0 ? 'True' : 'False';
    if (!this.floating || typeof v === 'bigint') return String(v); // int64 elements are bigints: exact
    if (this.sciMode) return formatExp(v, this.opts.precision);
    if (this.intMode) {
      const s = formatFixed(v, 0);
      return Number.isFinite(v) ? `${s}.` : s;
    }
    return formatFixed(v, this.opts.precision);
  }

  format(v: number | bigint): string {
    return this.formatRaw(v).padStart(this.maxWidth, ' ');
  }
}

// ---- layout ---------------------------------------------------------------------------------------

/** A read-only strided view over the tensor used while walking it (no Tensor allocation per row). */
interface Walk {
  readonly data: ArrayLike<number | bigint>;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
}

/** The elements `get_summarized_data` keeps: edge items of every summarised dimension, row-major. */
function summarizedValues(
  w: Walk,
  dim: number,
  offset: number,
  summarize: boolean,
  edge: number,
  out: (number | bigint)[],
): void {
  const size = w.shape[dim];
  const stride = w.strides[dim];
  const last = dim === w.shape.length - 1;
  const visit = (i: number): void => {
    if (last) out.push(w.data[offset + i * stride]);
    else summarizedValues(w, dim + 1, offset + i * stride, summarize, edge, out);
  };
  if (summarize && size > 2 * edge) {
    for (let i = 0; i < edge; i++) visit(i);
    for (let i = size - edge; i < size; i++) visit(i);
  } else {
    for (let i = 0; i < size; i++) visit(i);
  }
}

function vectorStr(
  w: Walk,
  dim: number,
  offset: number,
  indent: number,
  summarize: boolean,
  f: Formatter,
  o: Opts,
): string {
  const elementLength = f.maxWidth + 2;
  const perLine = Math.max(1, Math.floor((o.linewidth - indent) / elementLength));
  const size = w.shape[dim];
  const stride = w.strides[dim];
  const data: string[] = [];
  const edge = o.edgeitems;
  if (summarize && size > 2 * edge) {
    for (let i = 0; i < edge; i++) data.push(f.format(w.data[offset + i * stride]));
    data.push(' ...');
    for (let i = size - edge; i < size; i++) data.push(f.format(w.data[offset + i * stride]));
  } else {
    for (let i = 0; i < size; i++) data.push(f.format(w.data[offset + i * stride]));
  }
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

function tensorStr(
  w: Walk,
  dim: number,
  offset: number,
  indent: number,
  summarize: boolean,
  f: Formatter,
  o: Opts,
): string {
  const rank = w.shape.length - dim;
  if (rank === 0) return f.format(w.data[offset]);
  if (rank === 1) return vectorStr(w, dim, offset, indent, summarize, f, o);
  const size = w.shape[dim];
  const stride = w.strides[dim];
  const sub = (i: number): string => tensorStr(w, dim + 1, offset + i * stride, indent + 1, summarize, f, o);
  const slices: string[] = [];
  const edge = o.edgeitems;
  if (summarize && size > 2 * edge) {
    for (let i = 0; i < edge; i++) slices.push(sub(i));
    slices.push('...');
    for (let i = size - edge; i < size; i++) slices.push(sub(i));
  } else {
    for (let i = 0; i < size; i++) slices.push(sub(i));
  }
  return `[${slices.join(`,${'\n'.repeat(rank - 1)}${' '.repeat(indent + 1)}`)}]`;
}

function addSuffixes(str: string, suffixes: readonly string[], indent: number, linewidth: number): string {
  const parts = [str];
  let lastLineLen = str.length - str.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > linewidth) {
      parts.push(`,\n${' '.repeat(indent)}${suffix}`);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

function checkOpts(options: PrintOptions): Opts {
  const o: Opts = {
    precision: options.precision ?? 4,
    threshold: options.threshold ?? 1000,
    edgeitems: options.edgeitems ?? 3,
    linewidth: options.linewidth ?? 80,
    sciMode: options.sciMode,
  };
  if (!Number.isInteger(o.precision) || o.precision < 0 || o.precision > 100) {
    fail('formatTensor', 'precision', `precision must be an integer in [0, 100], got ${formatValue(o.precision)}`);
  }
  if (!Number.isInteger(o.edgeitems) || o.edgeitems < 1) {
    fail('formatTensor', 'edgeitems', `edgeitems must be a positive integer, got ${formatValue(o.edgeitems)}`);
  }
  if (!(o.threshold >= 0)) fail('formatTensor', 'threshold', `threshold must be >= 0, got ${formatValue(o.threshold)}`);
  if (!Number.isInteger(o.linewidth) || o.linewidth < 1) {
    fail('formatTensor', 'linewidth', `linewidth must be a positive integer, got ${formatValue(o.linewidth)}`);
  }
  return o;
}

/**
 * Formats a tensor exactly as PyTorch prints a tensor with the same values and dtype
 * (`torch/_tensor_str.py`): integer-valued floats as `19.`, 4 decimals otherwise, scientific
 * notation when the magnitudes span more than 1000x or leave `[1e-4, 1e8]`, right-aligned columns,
 * rows wrapped at 80 characters, `...` summaries above 1000 elements, and a `dtype=` suffix for
 * `float64` and `int32` (PyTorch's defaults `float32`, `int64` and `bool` show none). float32
 * elements are formatted from their exact value, as PyTorch does.
 *
 * Shapes: any.
 *
 * @param t - The tensor to print.
 * @param options - `precision`, `threshold`, `edgeitems`, `linewidth`, `sciMode` and `suffixes`, as
 *   `torch.set_printoptions`; see {@link PrintOptions}.
 * @returns The printed form.
 * @see torch.Tensor.__repr__, torch.set_printoptions
 * @example
 * ```ts
 * import { formatTensor, tensor } from '@torchlet/tensor';
 * formatTensor(tensor([[19, 25], [37, 43]])); // -> 'tensor([[19., 25.],\n        [37., 43.]])'
 * formatTensor(tensor([0.1, 1e-5])); // -> 'tensor([1.0000e-01, 1.0000e-05])'
 * formatTensor(tensor([1, 2], { dtype: 'int32' })); // -> 'tensor([1, 2], dtype=torch.int32)'
 * formatTensor(tensor([1.5]), { precision: 2 }); // -> 'tensor([1.50])'
 * ```
 */
export function formatTensor(t: Tensor, options: PrintOptions = {}): string {
  if (!isTensor(t)) fail('formatTensor', 't', 'expected a tensor');
  if (t.gpuBuffer !== null) cpuOnly(t, 'formatTensor');
  const o = checkOpts(options);
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  const numel = t.numel;
  if (numel === 0) {
    if (t.ndim !== 1) suffixes.push(`size=(${t.shape.join(', ')})`);
    if (t.dtype !== 'float32') suffixes.push(`dtype=torch.${t.dtype}`);
    body = '[]';
  } else {
    if (t.dtype === 'float64' || t.dtype === 'int32') suffixes.push(`dtype=torch.${t.dtype}`);
    const summarize = numel > o.threshold;
    const w: Walk = { data: t.data, shape: t.shape, strides: t.strides };
    let values: ArrayLike<number | bigint>;
    if (t.ndim === 0) {
      values = [t.data[t.offset]];
    } else {
      const out: (number | bigint)[] = [];
      summarizedValues(w, 0, t.offset, summarize, o.edgeitems, out);
      values = out;
    }
    const f = new Formatter(t.dtype, values, o);
    body = tensorStr(w, 0, t.offset, indent, summarize, f, o);
  }
  if (options.suffixes) suffixes.push(...options.suffixes);
  return addSuffixes(prefix + body, suffixes, indent, o.linewidth);
}
