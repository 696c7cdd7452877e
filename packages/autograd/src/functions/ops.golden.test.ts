import type { Tensor } from '@torchlet/tensor';
import { caseLabel, type GoldenTensor, goldenTolerance, loadGolden, pair, toTensor } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import {
  avgPool2d,
  col2im,
  conv2d,
  convTranspose2d,
  im2col,
  maxPool2d,
  mul,
  sum,
  type Variable,
  variable,
} from '../index.js';

// PyTorch's gradients through autograd: for every golden case, sum(out * upstream).backward()
// must give the stored grad_* within the float32 tolerance of the golden README.

/** The first element outside `atol + rtol * |expected|`, or null. */
function mismatch(actual: Tensor | null, expected: GoldenTensor, terms: number): string | null {
  if (actual === null) return 'no gradient';
  if (actual.shape.join() !== expected.shape.join()) return `shape [${actual.shape}] vs [${expected.shape}]`;
  const { atol, rtol } = goldenTolerance(terms);
  const a = actual.toTypedArray() as ArrayLike<number>;
  for (let i = 0; i < a.length; i++) {
    const e = expected.data[i];
    if (!(Math.abs(a[i] - e) <= atol + rtol * Math.abs(e))) return `element ${i}: ${a[i]} vs ${e} (atol ${atol})`;
  }
  return null;
}

const leaf = (g: GoldenTensor): Variable => variable(toTensor(g), { requiresGrad: true });

function backwardThrough(out: Variable, upstream: GoldenTensor): void {
  sum(mul(out, toTensor(upstream))).backward();
}

describe('golden gradients through autograd', () => {
  it.each(loadGolden('conv2d').map((c, i) => [caseLabel(c, i), c] as const))('conv2d %s', (_l, c) => {
    const x = leaf(c.input);
    const w = leaf(c.weight);
    const b = c.bias ? leaf(c.bias) : null;
    const out = conv2d(x, w, b, {
      stride: pair(c.stride),
      padding: typeof c.padding === 'string' ? c.padding : pair(c.padding),
      dilation: pair(c.dilation),
      groups: c.groups,
    });
    const [cout, cinG, kh, kw] = c.weight.shape;
    const [n, , ho, wo] = c.out.shape;
    expect(mismatch(out.data, c.out, cinG * kh * kw + 1)).toBeNull();
    backwardThrough(out, c.upstream);
    expect(mismatch(x.grad, c.grad_input, (cout / c.groups) * kh * kw)).toBeNull();
    expect(mismatch(w.grad, c.grad_weight, n * ho * wo)).toBeNull();
    if (c.grad_bias) expect(mismatch((b as Variable).grad, c.grad_bias, n * ho * wo)).toBeNull();
  });

  it.each(loadGolden('conv2d_padding_mode').map((c, i) => [caseLabel(c, i), c] as const))(
    'conv2d padding mode %s',
    (_l, c) => {
      const x = leaf(c.input);
      const w = leaf(c.weight);
      const out = conv2d(x, w, null, { padding: pair(c.padding), paddingMode: c.padding_mode });
      backwardThrough(out, c.upstream);
      const [cout, , kh, kw] = c.weight.shape;
      const [n, , ho, wo] = c.out.shape;
      expect(mismatch(x.grad, c.grad_input, 4 * cout * kh * kw)).toBeNull();
      expect(mismatch(w.grad, c.grad_weight, n * ho * wo)).toBeNull();
    },
  );

  it.each(loadGolden('unfold_fold').map((c, i) => [caseLabel(c, i), c] as const))('im2col / col2im %s', (_l, c) => {
    const options = { stride: pair(c.stride), padding: pair(c.padding), dilation: pair(c.dilation) };
    const k = pair(c.kernel_size);
    const x = leaf(c.input);
    const out = im2col(x, k, options);
    backwardThrough(out, c.upstream);
    expect(mismatch(x.grad, c.grad_input, k[0] * k[1])).toBeNull();
    // col2im's gradient is im2col: d/dcols sum(col2im(cols) * x) = im2col(x).
    const cols = leaf(c.out);
    sum(mul(col2im(cols, c.output_size, k, options), toTensor(c.input))).backward();
    expect(mismatch(cols.grad, c.out, 1)).toBeNull();
  });

  it.each(loadGolden('pool2d').map((c, i) => [caseLabel(c, i), c] as const))('pooling %s', (_l, c) => {
    const k = pair(c.kernel_size);
    const x = leaf(c.input);
    const common = {
      stride: c.stride === null ? null : pair(c.stride),
      padding: pair(c.padding),
      ceilMode: c.ceil_mode,
    };
    const out =
      c.op === 'max_pool2d'
        ? maxPool2d(x, k, { ...common, dilation: c.dilation === undefined ? 1 : pair(c.dilation) })
        : avgPool2d(x, k, { ...common, countIncludePad: c.count_include_pad ?? true });
    backwardThrough(out, c.upstream);
    expect(mismatch(x.grad, c.grad_input, k[0] * k[1])).toBeNull();
  });

  it.each(loadGolden('conv_transpose2d').map((c, i) => [caseLabel(c, i), c] as const))(
    'convTranspose2d %s',
    (_l, c) => {
      const x = leaf(c.input);
      const w = leaf(c.weight);
      const b = c.bias ? leaf(c.bias) : null;
      const out = convTranspose2d(x, w, b, {
        stride: pair(c.stride),
        padding: pair(c.padding),
        outputPadding: pair(c.output_padding),
        dilation: pair(c.dilation),
        groups: c.groups,
      });
      backwardThrough(out, c.upstream);
      const [, coutG, kh, kw] = c.weight.shape;
      const [n, , ho, wo] = c.out.shape;
      const [, , hi, wi] = c.input.shape;
      expect(mismatch(x.grad, c.grad_input, coutG * kh * kw)).toBeNull();
      expect(mismatch(w.grad, c.grad_weight, n * hi * wi)).toBeNull();
      if (c.grad_bias) expect(mismatch((b as Variable).grad, c.grad_bias, n * ho * wo)).toBeNull();
    },
  );
});
