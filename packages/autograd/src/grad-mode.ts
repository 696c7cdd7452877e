import { fail, formatValue } from '@torchlet/tensor';

// Whether operations on Variables record a graph. One module-level flag, saved and restored
// around callbacks (JS is single-threaded, so no thread-local state is needed).
let enabled = true;

/**
 * True when operations on Variables currently record the graph for backward (the default).
 *
 * @returns `true` unless inside {@link noGrad}.
 * @see torch.is_grad_enabled
 * @example
 * ```ts
 * import { isGradEnabled, noGrad } from '@torchlet/autograd';
 * isGradEnabled(); // -> true
 * noGrad(() => isGradEnabled()); // -> false
 * ```
 */
export function isGradEnabled(): boolean {
  return enabled;
}

function withMode<T>(mode: boolean, fn: () => T): T {
  if (typeof fn !== 'function')
    fail(mode ? 'enableGrad' : 'noGrad', 'fn', `expected a function, got ${formatValue(fn)}`);
  const previous = enabled;
  enabled = mode;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/**
 * Runs `fn` without recording a graph: results of Variable operations inside are constants
 * (no `gradFn`, `requiresGrad` false). Use it for inference and for optimizer updates.
 * Returns what `fn` returns; the previous mode is restored even when `fn` throws.
 *
 * @param fn - The computation to run without recording.
 * @returns What `fn` returns.
 * @see torch.no_grad
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { mul, noGrad, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2]), { requiresGrad: true });
 * noGrad(() => mul(x, 2)).requiresGrad; // -> false
 * mul(x, 2).requiresGrad; // -> true
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withMode(false, fn);
}

/**
 * Runs `fn` with graph recording switched on, even inside {@link noGrad}.
 *
 * @param fn - The computation to run with recording, even inside {@link noGrad}.
 * @returns What `fn` returns.
 * @see torch.enable_grad
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { enableGrad, mul, noGrad, variable } from '@torchlet/autograd';
 * const x = variable(tensor([1, 2]), { requiresGrad: true });
 * noGrad(() => enableGrad(() => mul(x, 2))).requiresGrad; // -> true
 * ```
 */
export function enableGrad<T>(fn: () => T): T {
  return withMode(true, fn);
}

/** Runs `fn` with graph recording set to `mode` (internal: the engine's createGraph switch). */
export function withGradMode<T>(mode: boolean, fn: () => T): T {
  return withMode(mode, fn);
}
