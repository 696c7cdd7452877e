import { isVariable, Variable } from '@torchlet/autograd';
import { fail, formatShape, isTensor, type Tensor } from '@torchlet/tensor';

const PARAMETER_BRAND = Symbol.for('torchlet.parameter');

/**
 * A Variable that a {@link Module} owns as a learnable weight: assigning one to a module's
 * property registers it, so it shows up in `parameters()`, `namedParameters()` and `stateDict()`.
 * It requires grad unless told otherwise; `data` is updated in place by optimizers.
 *
 * Shapes: those of `data`.
 *
 * @see torch.nn.Parameter
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { Parameter } from '@torchlet/nn';
 * const w = new Parameter(tensor([[1, -1]]));
 * [w.requiresGrad, w.isLeaf, w.shape]; // -> [true, true, [1, 2]]
 * w.mul(w).sum().backward();
 * w.grad?.toArray(); // -> [[2, -2]]
 * ```
 */
export class Parameter extends Variable {
  /**
   * Wraps `data` (sharing its storage; a Variable is detached first). `requiresGrad` defaults to
   * true, which needs a float32 or float64 tensor.
   * @param data - The initial value, any shape (float32 or float64); its storage is shared, not copied.
   * @param requiresGrad - Whether optimizers and `backward()` track it. Default `true`.
   */
  constructor(data: Tensor | Variable, requiresGrad = true) {
    const t = isVariable(data) ? data.data : data;
    if (!isTensor(t)) fail('Parameter', 'data', `expected a Tensor, got ${t === null ? 'null' : typeof t}`);
    if (requiresGrad && t.dtype !== 'float32' && t.dtype !== 'float64') {
      fail(
        'Parameter',
        'data',
        `only floating point tensors can require gradients, got a ${t.dtype} tensor of shape ${formatShape(t.shape)}`,
      );
    }
    super(t, null, requiresGrad);
  }

  /** Brand used by {@link isParameter}. */
  get [PARAMETER_BRAND](): true {
    return true;
  }

  /**
   * PyTorch's printed form: `Parameter containing:\ntensor([...], requires_grad=True)`.
   * @returns The printed form, over several lines for a large tensor.
   */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/**
 * Brand check for Parameters that works across package copies (use instead of `instanceof`).
 *
 * @param x - Any value.
 * @returns `true` when `x` is a torchlet Parameter.
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { variable } from '@torchlet/autograd';
 * import { Parameter, isParameter } from '@torchlet/nn';
 * isParameter(new Parameter(zeros([2]))); // -> true
 * isParameter(variable(zeros([2]), { requiresGrad: true })); // -> false
 * ```
 */
export function isParameter(x: unknown): x is Parameter {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[PARAMETER_BRAND] === true;
}
