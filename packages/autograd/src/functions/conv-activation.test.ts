// conv2d's `activation` option: one pass (ops' fused activation) when nothing is recorded, the
// conv and `relu` / `clamp` as two recorded operations otherwise, with their gradients.
import { Generator, randn, TorchletError } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { noGrad } from '../grad-mode.js';
import { gradcheck } from '../gradcheck.js';
import { traceOps } from '../trace.js';
import { variable } from '../variable.js';
import { conv2d } from './conv.js';
import { clamp, relu } from './elementwise.js';

const g = new Generator(4);
const x = randn([2, 3, 6, 5], { generator: g }).mul(2);
const w = randn([4, 3, 3, 3], { generator: g });
const b = randn([4], { generator: g });
const options = { padding: 1 } as const;

describe('conv2d with an activation', () => {
  it('equals the activation of the conv, without gradients', () => {
    const plain = conv2d(x, w, b, options).data;
    const cases = [
      ['relu', relu(plain).data],
      ['relu6', clamp(plain, 0, 6).data],
      [{ clamp: [-1, 0.5] }, clamp(plain, -1, 0.5).data],
    ] as const;
    for (const [activation, want] of cases) {
      const got = noGrad(() => conv2d(x, w, b, { ...options, activation }));
      expect(got.requiresGrad).toBe(false);
      expect(got.data.allclose(want, { atol: 1e-6 })).toBe(true);
    }
  });

  it('records the conv and the activation when gradients are wanted (finite differences agree)', () => {
    const x64 = variable(x.to('float64'), { requiresGrad: true });
    const w64 = variable(w.to('float64'), { requiresGrad: true });
    const b64 = variable(b.to('float64'), { requiresGrad: true });
    for (const activation of ['relu', 'relu6', { clamp: [-1, 1] }] as const) {
      const y = conv2d(x64, w64, b64, { ...options, activation });
      expect(y.gradFn?.name).toBe(activation === 'relu' ? 'relu' : 'clamp');
      expect(gradcheck((a, k, c) => conv2d(a, k, c, { ...options, activation }), [x64, w64, b64]).ok).toBe(true);
    }
  });

  it('shows a trace the conv and the activation as two operations', () => {
    const names: string[] = [];
    traceOps(
      () => noGrad(() => conv2d(x, w, b, { ...options, activation: 'relu6' })),
      (op) => names.push(op.name),
    );
    expect(names).toEqual(['conv2d', 'clamp']);
  });

  it('rejects an unknown activation with a named error', () => {
    expect(() => conv2d(x, w, b, { activation: 'gelu' as 'relu' })).toThrow(TorchletError);
    expect(() => conv2d(variable(x, { requiresGrad: true }), w, b, { activation: 'gelu' as 'relu' })).toThrow(
      /conv2d.*activation/,
    );
  });
});
