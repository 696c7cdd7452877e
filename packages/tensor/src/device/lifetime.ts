// Deterministic release of webgpu buffers that a library pass owns. Finalization gives buffers
// back only after the garbage collector ran AND the event loop turned (a synchronous training
// loop never turns it), and V8 does not count GPU memory towards collecting. So a pass that
// creates tensors nobody else can reach (autograd's backward: incoming gradients, the
// temporaries of backward rules) records what it allocated and releases it when it is done.
import { type GpuBuffer, type GpuContext, getWebGPU } from '@torchlet/webgpu';

/**
 * The webgpu buffers allocated while a recorder is active, from {@link recordGpuAllocations}.
 * Recorders nest: a buffer goes to the innermost active one.
 *
 * @example
 * ```ts
 * import { initWebGPU, recordGpuAllocations, tensor } from '@torchlet/tensor';
 * await initWebGPU();
 * const recorder = recordGpuAllocations();
 * const x = tensor([1, 2]).to('webgpu');
 * recorder?.take().length; // -> 1
 * recorder?.stop();
 * x.dispose();
 * ```
 */
export interface GpuAllocationRecorder {
  /** The buffers allocated since the recorder started or since the last `take()`. */
  take(): GpuBuffer[];
  /**
   * Stops recording (recorders stop innermost first). `passUp` goes to the enclosing recorder,
   * if any: buffers this pass neither released nor handed to a long-lived owner.
   */
  stop(passUp?: readonly GpuBuffer[]): void;
}

class Recorder implements GpuAllocationRecorder {
  buffers: GpuBuffer[] = [];
  stopped = false;

  constructor(private readonly gpu: GpuContext) {}

  take(): GpuBuffer[] {
    const out = this.buffers;
    this.buffers = [];
    return out;
  }

  stop(passUp: readonly GpuBuffer[] = []): void {
    if (this.stopped) return;
    this.stopped = true;
    const i = active.lastIndexOf(this);
    if (i >= 0) active.splice(i, 1);
    const parent = active[active.length - 1];
    if (parent !== undefined) parent.buffers.push(...passUp);
    if (!active.some((r) => r.gpu === this.gpu)) this.gpu.pool.onHandle = null;
  }
}

/** Active recorders, innermost last. */
const active: Recorder[] = [];

function note(buffer: GpuBuffer): void {
  active[active.length - 1]?.buffers.push(buffer);
}

/**
 * Starts recording the webgpu buffers that tensors allocate (on the default WebGPU context), or
 * returns `null` when no webgpu device is ready (nothing can be allocated there). For passes that
 * own what they create, such as autograd's backward, which releases each gradient once nothing
 * can read it; user code should use `t.dispose()` or let finalization give buffers back.
 *
 * @returns A recorder, or `null` without a ready webgpu device.
 * @example
 * ```ts
 * import { initWebGPU, recordGpuAllocations, zeros } from '@torchlet/tensor';
 * await initWebGPU();
 * const recorder = recordGpuAllocations();
 * zeros([3], { device: 'webgpu' });
 * const made = recorder?.take() ?? [];
 * recorder?.stop();
 * for (const b of made) b.release();
 * made.length; // -> 1
 * ```
 */
export function recordGpuAllocations(): GpuAllocationRecorder | null {
  let gpu: GpuContext;
  try {
    gpu = getWebGPU();
  } catch {
    return null;
  }
  const recorder = new Recorder(gpu);
  active.push(recorder);
  gpu.pool.onHandle = note;
  return recorder;
}
