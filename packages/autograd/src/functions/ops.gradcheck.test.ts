import { describe, expect, it } from 'vitest';
import { opsCases } from '../../test/cases.js';
import { gradcheck, gradgradcheck } from '../index.js';

// Every differentiable wrapper of a @torchlet/ops function, against finite differences in
// float64 (first order for all, second order where claimed). The same table feeds the
// completeness test.
describe('gradcheck: ops functions', () => {
  for (const c of opsCases) {
    it(`${c.op}: ${c.label}`, () => {
      expect(gradcheck(c.f, c.inputs()).ok).toBe(true);
      if (c.secondOrder) expect(gradgradcheck(c.f, c.inputs()).ok).toBe(true);
    });
  }
});
