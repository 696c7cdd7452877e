// Backward owns the gradients it computes, as PyTorch's engine does: an incoming gradient dies
// once its node has run, a backward rule's temporaries die when the rule returns. On the webgpu
// device this file gives their buffers back to the pool at once, instead of waiting for the
// garbage collector (which does not see GPU memory, and whose finalizers never run inside a
// synchronous training loop). What escapes is kept: gradients accumulated into `.grad`, the
// gradients `gradients()` returns, and whatever the caller passed in.
import {
  fail,
  formatValue,
  type GpuAllocationRecorder,
  isTensor,
  recordGpuAllocations,
  type Tensor,
} from '@torchlet/tensor';
import { isVariable, type Variable } from './variable.js';

type GpuBuffer = NonNullable<Tensor['gpuBuffer']>;

/** The webgpu buffers one backward pass allocated and may still release. */
export class GradientBuffers {
  /** Allocated by this pass, not handed out, possibly still read by a pending gradient. */
  private readonly owned = new Set<GpuBuffer>();
  /** Returned to the caller (`gradients()`): an enclosing pass may release them once unread. */
  private readonly returned: GpuBuffer[] = [];
  /** Released when the pass ends. */
  private readonly atEnd: GpuBuffer[] = [];

  private constructor(private readonly recorder: GpuAllocationRecorder) {}

  /**
   * Starts recording when the graph's roots live on the webgpu device (null otherwise: CPU
   * backward pays one check). `seeds` are gradients the pass created itself (backward()'s ones).
   */
  static start(roots: readonly Variable[], seeds: readonly Variable[]): GradientBuffers | null {
    if (!roots.some((r) => r.data.gpuBuffer !== null)) return null;
    const recorder = recordGpuAllocations();
    if (recorder === null) return null;
    const pass = new GradientBuffers(recorder);
    for (const s of seeds) {
      const b = s.data.gpuBuffer;
      if (b !== null) pass.owned.add(b);
    }
    return pass;
  }

  /**
   * `v`'s buffer outlives the pass: it became a `.grad` (never released here or by an enclosing
   * pass), or it is `returned` to the caller of `gradients()`.
   */
  keep(v: Variable | null, returned = false): void {
    const b = v?.data.gpuBuffer ?? null;
    if (b === null) return;
    this.absorb();
    if (this.owned.delete(b) && returned) this.returned.push(b);
  }

  /** Releases every owned buffer that none of the `pending` gradients (views included) reads. */
  settle(pending: Iterable<Variable>): void {
    this.absorb();
    if (this.owned.size === 0) return;
    const live = new Set<GpuBuffer>();
    for (const v of pending) {
      const b = v.data.gpuBuffer;
      if (b !== null) live.add(b);
    }
    for (const b of this.owned) {
      if (live.has(b)) continue;
      b.release();
      this.owned.delete(b);
    }
  }

  /** Intermediates a released node's function owned: the rest of the pass may still read them. */
  releaseAtEnd(buffers: readonly GpuBuffer[] | null): void {
    if (buffers !== null) this.atEnd.push(...buffers);
  }

  /** Ends the pass: releases what is left (nothing is pending any more, or backward threw). */
  finish(): void {
    this.settle([]);
    for (const b of this.atEnd) b.release();
    this.recorder.stop(this.returned);
  }

  private absorb(): void {
    for (const b of this.recorder.take()) this.owned.add(b);
  }
}

/**
 * Runs `fn`, a pure function of `inputs` built from differentiable functions (a loss, say), and
 * gives the graph the webgpu buffers of the intermediates it creates: nothing outside `fn` can
 * reach them, so they are released when backward (without `retainGraph`) has run through the
 * result, or at once when no graph was recorded (grad mode off, or no input requires grad).
 * Without it they would wait for the garbage collector, which does not see GPU memory. On the
 * CPU it just calls `fn`. `fn` must not keep or return anything it creates other than the result,
 * except buffers that `options.owns` rejects.
 *
 * @param inputs - The tensors `fn` reads (only their device is looked at).
 * @param fn - The pure function; its result is kept, everything else it allocated is owned.
 * @param options - `owns`: which of the buffers `fn` allocated the graph owns (default: all but
 *   the result's); a container that runs other code passes the ones it knows nobody keeps.
 * @returns `fn()`'s result.
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { exp, log, ownIntermediates, sum, variable } from '@torchlet/autograd';
 * const x = variable(tensor([0, 1]), { requiresGrad: true });
 * const logSumExp = ownIntermediates([x.data], () => log(sum(exp(x))));
 * logSumExp.backward();
 * (x.grad?.toArray() as number[]).map((v) => v.toFixed(3)); // -> ['0.269', '0.731']
 * ```
 */
export function ownIntermediates(
  inputs: readonly Tensor[],
  fn: () => Variable,
  options: { readonly owns?: (buffer: GpuBuffer) => boolean } = {},
): Variable {
  const name = 'ownIntermediates';
  if (!Array.isArray(inputs) || !inputs.every((t) => isTensor(t)))
    fail(name, 'inputs', `expected an array of tensors, got ${formatValue(inputs)}`);
  if (typeof fn !== 'function') fail(name, 'fn', `expected a function returning a Variable, got ${formatValue(fn)}`);
  if (
    typeof options !== 'object' ||
    options === null ||
    (options.owns !== undefined && typeof options.owns !== 'function')
  )
    fail(name, 'options', `expected { owns?: (buffer) => boolean }, got ${formatValue(options)}`);
  if (!inputs.some((t) => t.gpuBuffer !== null)) return checkResult(fn());
  const recorder = recordGpuAllocations();
  if (recorder === null) return fn();
  let result: Variable;
  try {
    result = checkResult(fn());
  } catch (e) {
    const made = recorder.take();
    recorder.stop();
    for (const b of made) b.release();
    throw e;
  }
  const made = recorder.take();
  const kept = result.data.gpuBuffer;
  const owns = options.owns;
  const internal = made.filter((b) => b !== kept && (owns === undefined || owns(b)));
  // The rest (the result, what `owns` rejected) goes to an enclosing recorder, if any.
  const ownedSet = new Set(internal);
  recorder.stop(made.filter((b) => !ownedSet.has(b)));
  const node = result._gradFn;
  if (node === null) {
    for (const b of internal) b.release();
  } else if (internal.length > 0) {
    node.owned = node.owned === null ? internal : [...node.owned, ...internal];
  }
  return result;
}

function checkResult(result: unknown): Variable {
  if (!isVariable(result))
    fail('ownIntermediates', 'fn', `expected fn to return a Variable, got ${formatValue(result)}`);
  return result;
}
