import { fail, formatValue, isTensor, type Tensor } from '@torchlet/tensor';
import { isVariable } from './variable.js';

/**
 * A parameter's gradient as library code that does not keep it reads it (optimizers). Unlike
 * reading `p.grad`, it leaves a gradient that backward made marked as unread, so that
 * `p.grad = null` (or `zeroGrad()`) releases its webgpu buffer at once: nothing else can hold
 * it. Objects that are not Variables (`{ data, grad }`) give their `grad`.
 *
 * @param p - A Variable (Parameter), or any object with a `grad` tensor.
 * @returns The gradient tensor, or `null` before any backward.
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { peekGrad, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2]), { requiresGrad: true });
 * x.mul(x).sum().backward();
 * peekGrad(x)?.toArray(); // -> [2, 4]
 * peekGrad({ grad: null }); // -> null
 * ```
 */
export function peekGrad(p: { readonly grad: Tensor | null }): Tensor | null {
  if (isVariable(p)) return p._gradVar?.data ?? null;
  const grad = typeof p === 'object' && p !== null ? (p as { grad?: unknown }).grad : undefined;
  if (grad !== null && !isTensor(grad))
    fail('peekGrad', 'p', `expected a Variable or an object with a grad tensor (or null), got ${formatValue(p)}`);
  return grad;
}
