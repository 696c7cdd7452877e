import * as T from '@torchlet/tensor';
import { record } from '../graph.js';
import type { Variable, VariableOrTensor } from '../variable.js';
import { mul } from './elementwise.js';
import { input, rawTensor, sumToShape } from './util.js';
import { reshape, t, transpose, unsqueeze } from './views.js';

/**
 * Matrix product with NumPy semantics: 1-D operands are promoted (and the added dimension
 * removed), leading batch dimensions broadcast. Gradients: `g @ b^T` and `a^T @ g`, summed over
 * broadcast batch dimensions.
 *
 * Shapes: `[..., m, k] @ [..., k, n]` -> `[..., m, n]`; `[k] @ [k]` -> `[]`.
 *
 * @param a - The left operand: `[n]`, `[m, k]` or a batch `[..., m, k]`.
 * @param b - The right operand: `[n]`, `[k, p]` or a batch `[..., k, p]`; batch dimensions broadcast.
 * @returns The product, with 1-D operands' added dimensions removed again (as PyTorch's `matmul`).
 * @see torch.matmul
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { matmul, variable } from '@torchlet/autograd';
 * const a = variable(tensor([[1, 2]]), { requiresGrad: true });
 * const b = tensor([[3], [4]]);
 * matmul(a, b).toArray(); // -> [[11]]
 * matmul(a, b).sum().backward();
 * a.grad?.toArray(); // -> [[3, 4]]
 * ```
 */
export function matmul(a: VariableOrTensor, b: VariableOrTensor): Variable {
  const ra = rawTensor(a);
  const rb = rawTensor(b);
  const out = T.matmul(ra, rb);
  return record(
    'matmul',
    out,
    [input(a), input(b)],
    (g, needs) => {
      if (ra.ndim === 1 && rb.ndim === 1) return [needs[0] ? mul(g, b) : null, needs[1] ? mul(g, a) : null];
      const a2 = ra.ndim === 1 ? unsqueeze(a, 0) : a;
      const b2 = rb.ndim === 1 ? unsqueeze(b, -1) : b;
      let g2 = g;
      if (ra.ndim === 1) g2 = unsqueeze(g2, -2);
      if (rb.ndim === 1) g2 = unsqueeze(g2, -1);
      const ga = needs[0] ? reshape(sumToShape(matmul(g2, transpose(b2, -1, -2)), a2.shape), ra.shape) : null;
      const gb = needs[1] ? reshape(sumToShape(matmul(transpose(a2, -1, -2), g2), b2.shape), rb.shape) : null;
      return [ga, gb];
    },
    { save: [a, b] },
  );
}

/**
 * Product of two matrices (no broadcasting). Gradients: `g @ b^T` and `a^T @ g`.
 *
 * Shapes: `[m, k] @ [k, n]` -> `[m, n]`.
 *
 * @param a - A matrix `[m, k]`.
 * @param b - A matrix `[k, p]`.
 * @returns The product `[m, p]`.
 * @see torch.mm
 * @example
 * ```ts
 * import { eye, tensor } from '@torchlet/tensor';
 * import { mm, variable } from '@torchlet/autograd';
 * const b = variable(tensor([[1, 2], [3, 4]]), { requiresGrad: true });
 * mm(eye(2), b).sum().backward();
 * b.grad?.toArray(); // -> [[1, 1], [1, 1]]
 * ```
 */
export function mm(a: VariableOrTensor, b: VariableOrTensor): Variable {
  const out = T.mm(rawTensor(a), rawTensor(b));
  return record(
    'mm',
    out,
    [input(a), input(b)],
    (g, needs) => [needs[0] ? mm(g, t(b)) : null, needs[1] ? mm(t(a), g) : null],
    {
      save: [a, b],
    },
  );
}

/**
 * Dot product of two 1-D tensors. Gradients: `g * b` and `g * a`.
 *
 * Shapes: `[n], [n]` -> `[]`.
 *
 * @param a - A vector `[n]`.
 * @param b - A vector `[n]`.
 * @returns The inner product, a 0-d Variable.
 * @see torch.dot
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { dot, variable } from '@torchlet/autograd';
 * const a = variable(tensor([1, 2]), { requiresGrad: true });
 * dot(a, tensor([3, 4])).backward();
 * a.grad?.toArray(); // -> [3, 4]
 * ```
 */
export function dot(a: VariableOrTensor, b: VariableOrTensor): Variable {
  const out = T.dot(rawTensor(a), rawTensor(b));
  return record(
    'dot',
    out,
    [input(a), input(b)],
    (g, needs) => [needs[0] ? mul(g, b) : null, needs[1] ? mul(g, a) : null],
    {
      save: [a, b],
    },
  );
}
