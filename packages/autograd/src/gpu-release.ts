// Backward owns the gradients it computes, as PyTorch's engine does: an incoming gradient dies
// once its node has run, a backward rule's temporaries die when the rule returns. On the webgpu
// device this file gives their buffers back to the pool at once, instead of waiting for the
// garbage collector (which does not see GPU memory, and whose finalizers never run inside a
// synchronous training loop). What escapes is kept: gradients accumulated into `.grad`, the
// gradients `gradients()` returns, and whatever the caller passed in.
import { type GpuAllocationRecorder, recordGpuAllocations, type Tensor } from '@torchlet/tensor';
import type { Variable } from './variable.js';

type GpuBuffer = NonNullable<Tensor['gpuBuffer']>;

/** The webgpu buffers one backward pass allocated and may still release. */
export class GradientBuffers {
  /** Allocated by this pass, not handed out, possibly still read by a pending gradient. */
  private readonly owned = new Set<GpuBuffer>();
  /** Returned to the caller (`gradients()`): an enclosing pass may release them once unread. */
  private readonly returned: GpuBuffer[] = [];

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

  /** Ends the pass: releases what is left (nothing is pending any more, or backward threw). */
  finish(): void {
    this.settle([]);
    this.recorder.stop(this.returned);
  }

  private absorb(): void {
    for (const b of this.recorder.take()) this.owned.add(b);
  }
}
