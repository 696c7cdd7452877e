// The differential suite (issue 18): seeded random cases of the families the issue found wrong,
// computed once with PyTorch 1.13 (tools/test-utils/differential/generate_issue18.py, committed
// with its output issue18.json) and replayed here against torchlet's sources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as A from '../../packages/autograd/src/index.ts';
import * as N from '../../packages/nn/src/index.ts';
import * as O from '../../packages/ops/src/index.ts';
import * as T from '../../packages/tensor/src/index.ts';

type Num = number | 'nan' | 'inf' | '-inf';
type Nested = Num | Nested[];

const file = join(import.meta.dirname, '..', '..', 'tools', 'test-utils', 'differential', 'issue18.json');
// biome-ignore lint/suspicious/noExplicitAny: the case records are checked field by field below
const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: Record<string, any[]> };

const decode = (v: Num): number =>
  v === 'nan' ? Number.NaN : v === 'inf' ? Number.POSITIVE_INFINITY : v === '-inf' ? Number.NEGATIVE_INFINITY : v;
const decodeAll = (v: Nested): number | number[] | unknown[] =>
  Array.isArray(v) ? v.map((x) => decodeAll(x)) : decode(v);

/** Element-wise closeness with NaN equal to NaN, for nested arrays. */
function expectClose(got: unknown, want: unknown, tol: number, where: string): void {
  if (Array.isArray(want)) {
    expect(Array.isArray(got), where).toBe(true);
    expect((got as unknown[]).length, where).toBe(want.length);
    for (let i = 0; i < want.length; i++) expectClose((got as unknown[])[i], want[i], tol, `${where}[${i}]`);
    return;
  }
  const g = got as number;
  const w = want as number;
  if (Number.isNaN(w)) expect(Number.isNaN(g), `${where}: ${g} vs NaN`).toBe(true);
  else if (!Number.isFinite(w)) expect(g, where).toBe(w);
  else expect(Math.abs(g - w), `${where}: ${g} vs ${w}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w)));
}

const leaf = (values: number[] | number[][]): A.Variable =>
  A.variable(T.tensor(values as number[], { dtype: 'float64' }), { requiresGrad: true });

describe('differential against PyTorch 1.13 (issue 18 families)', () => {
  it('linspace', () => {
    for (const c of cases.linspace) {
      expectClose(T.linspace(c.start, c.end, c.steps, { dtype: 'float64' }).toArray(), c.out, 1e-12, JSON.stringify(c));
    }
  });

  it('int32 arange', () => {
    for (const c of cases.arange_int32) {
      const run = () => T.arange(c.start, c.end, c.step, { dtype: 'int32' }).toArray();
      if (c.error !== undefined) expect(run, JSON.stringify(c)).toThrowError(T.TorchletError);
      else expect(run(), JSON.stringify(c)).toEqual(c.out);
    }
  });

  it('std and var gradients, constant rows included', () => {
    for (const c of cases.std_var_grad) {
      const x = leaf(c.x);
      const f = c.fn === 'std' ? A.std : A.variance;
      A.sum(f(x, 1, { correction: c.correction })).backward();
      expectClose(x.grad?.toArray(), decodeAll(c.grad), 1e-10, JSON.stringify(c));
    }
  });

  it('max, min, maximum and minimum gradients with NaN', () => {
    for (const c of cases.extremum_nan_grad) {
      const x = leaf(c.a.map(decode));
      const y = leaf(c.b.map(decode));
      if (c.fn === 'max' || c.fn === 'min') (c.fn === 'max' ? A.max : A.min)(x).backward();
      else if (c.fn === 'max_dim' || c.fn === 'min_dim') {
        const f = c.fn === 'max_dim' ? A.max : A.min;
        A.sum(f(A.reshape(x, [1, c.a.length]), 1)).backward();
      } else A.sum((c.fn === 'maximum' ? A.maximum : A.minimum)(x, y)).backward();
      expectClose(x.grad?.toArray(), decodeAll(c.grads[0]), 1e-12, JSON.stringify(c));
      if (c.grads.length > 1) expectClose(y.grad?.toArray(), decodeAll(c.grads[1]), 1e-12, JSON.stringify(c));
    }
  });

  it('cumprod gradients with zeros and an infinity', () => {
    for (const c of cases.cumprod_grad) {
      const x = leaf(c.x.map(decode));
      A.sum(A.cumprod(x, 0)).backward();
      expectClose(x.grad?.toArray(), decodeAll(c.grad), 1e-12, JSON.stringify(c));
    }
  });

  it('pad with negative pads in every mode', () => {
    for (const c of cases.pad) {
      const n = c.shape.reduce((a: number, b: number) => a * b, 1);
      const x = T.arange(n, undefined, 1, { dtype: 'float64' }).reshape(c.shape);
      expectClose(O.pad(x, c.pads, { mode: c.mode }).toArray(), decodeAll(c.out), 0, JSON.stringify(c));
    }
  });

  it('indexing with several ellipses', () => {
    for (const c of cases.ellipsis) {
      const n = c.shape.reduce((a: number, b: number) => a * b, 1);
      const x = T.arange(n, undefined, 1, { dtype: 'float64' }).reshape(c.shape);
      const index = (c.index as string).replaceAll('None', 'None');
      if (c.error) {
        expect(() => x.get(index), JSON.stringify(c)).toThrowError(T.TorchletError);
        continue;
      }
      const out = x.get(index);
      expect(out.shape, JSON.stringify(c)).toEqual(c.outShape);
      expectClose(out.toArray(), decodeAll(c.out), 0, JSON.stringify(c));
    }
  });

  it('sum and mean of expanded views', () => {
    for (const c of cases.expanded_reduce) {
      const base = T.tensor(decodeAll(c.base) as number[], { dtype: 'float64' }).reshape(c.baseShape);
      const v = base.expand(c.target);
      const dims = c.dims.length > 0 ? c.dims : null;
      const out = c.fn === 'sum' ? T.sum(v, dims, { keepdim: c.keepdim }) : T.mean(v, dims, { keepdim: c.keepdim });
      expect(out.shape, JSON.stringify(c)).toEqual(c.outShape);
      expectClose(out.toArray(), decodeAll(c.out), 1e-12, JSON.stringify(c));
    }
  });

  it('printing with sciMode', () => {
    for (const c of cases.sci_print) {
      expect(T.formatTensor(T.tensor(c.x.map(decode)), { sciMode: true }), JSON.stringify(c)).toBe(c.text);
    }
  });

  it('int32 scalar conversions', () => {
    for (const c of cases.int32_scalar) {
      const run = () => T.full([1], decode(c.value), { dtype: 'int32' }).toArray();
      if (c.error) expect(run, JSON.stringify(c)).toThrowError(/value cannot be converted to type int32/);
      else expect(run(), JSON.stringify(c)).toEqual(c.out);
    }
  });

  it('crossEntropy with its full signature, value and gradient', () => {
    for (const c of cases.cross_entropy) {
      const x = A.variable(T.tensor(decodeAll(c.x) as number[], { dtype: 'float64' }), { requiresGrad: true });
      const target = c.probs
        ? T.tensor(decodeAll(c.target) as number[], { dtype: 'float64' })
        : T.tensor(c.target, { dtype: 'int32' });
      const out = N.crossEntropy(x, target, {
        reduction: c.reduction,
        labelSmoothing: c.smoothing,
        ...(c.weight === null ? {} : { weight: T.tensor(c.weight, { dtype: 'float64' }) }),
        ...(c.ignoreIndex === null ? {} : { ignoreIndex: c.ignoreIndex }),
      });
      expectClose(out.data.toArray(), decodeAll(c.out), 1e-10, JSON.stringify(c));
      A.sum(out).backward();
      expectClose(x.grad?.toArray(), decodeAll(c.grad), 1e-10, `grad ${JSON.stringify(c)}`);
    }
  });
});
