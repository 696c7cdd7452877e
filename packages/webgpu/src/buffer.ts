// GPU buffers behind handles: a size-bucketed pool reuses freed buffers (allocation is expensive on
// every WebGPU implementation), `release()` gives a buffer back at once, and a FinalizationRegistry
// gives back the buffers of handles that were dropped without it.
import { argumentError, checkCount, WebGPUError } from './errors.js';

/** STORAGE | COPY_SRC | COPY_DST (GPUBufferUsage's values, which Node's Dawn does not put on globalThis). */
export const STORAGE_USAGE = 0x80 | 0x04 | 0x08;

/** Smallest bucket: 256 bytes, so tiny tensors share one size. */
const MIN_BUCKET = 256;

/**
 * The byte size of the bucket a request of `bytes` falls into: four sizes per power of two
 * (256, 320, 384, 448, 512, 640, ...), so a pooled buffer wastes at most a quarter of itself.
 */
export function bucketSize(bytes: number): number {
  if (bytes <= MIN_BUCKET) return MIN_BUCKET;
  const pow = 2 ** Math.floor(Math.log2(bytes));
  const step = pow / 4;
  return Math.ceil(bytes / step) * step;
}

/** What the pool and {@link GpuBuffer} counters report. */
export interface PoolCounters {
  liveBuffers: number;
  liveBytes: number;
  pooledBuffers: number;
  pooledBytes: number;
  createdBuffers: number;
}

/** A freed buffer waiting in its bucket, and the pool it goes back to when its handle is collected. */
interface Held {
  readonly pool: BufferPool;
  readonly buffer: GPUBuffer;
  readonly bytes: number;
}

const collected = new FinalizationRegistry<Held>((held) => held.pool.giveBack(held.buffer, held.bytes));

/** Reuses storage buffers by bucket size; keeps at most `maxPooledBytes` of free buffers. */
export class BufferPool {
  readonly counters: PoolCounters = {
    liveBuffers: 0,
    liveBytes: 0,
    pooledBuffers: 0,
    pooledBytes: 0,
    createdBuffers: 0,
  };
  private readonly free = new Map<number, GPUBuffer[]>();
  private destroyed = false;
  /**
   * @internal Called with every handle {@link BufferPool.handle} makes: the tensor layer records
   * what a pass allocates (autograd's backward) to release what nobody can reach once it ends.
   */
  onHandle: ((buffer: GpuBuffer) => void) | null = null;

  constructor(
    private readonly device: GPUDevice,
    readonly maxPooledBytes: number,
  ) {}

  /** A buffer of at least `bytes` bytes (its bucket's size), from the pool when one is free. */
  take(bytes: number): { buffer: GPUBuffer; bytes: number } {
    const size = bucketSize(bytes);
    const list = this.free.get(size);
    let buffer = list?.pop();
    if (buffer !== undefined) {
      this.counters.pooledBuffers--;
      this.counters.pooledBytes -= size;
    } else {
      buffer = this.device.createBuffer({ size, usage: STORAGE_USAGE });
      this.counters.createdBuffers++;
    }
    this.counters.liveBuffers++;
    this.counters.liveBytes += size;
    return { buffer, bytes: size };
  }

  /** Returns a buffer to its bucket, or destroys it when the pool is full or closed. */
  giveBack(buffer: GPUBuffer, bytes: number): void {
    this.counters.liveBuffers--;
    this.counters.liveBytes -= bytes;
    if (this.destroyed || this.counters.pooledBytes + bytes > this.maxPooledBytes) {
      buffer.destroy();
      return;
    }
    let list = this.free.get(bytes);
    if (list === undefined) {
      list = [];
      this.free.set(bytes, list);
    }
    list.push(buffer);
    this.counters.pooledBuffers++;
    this.counters.pooledBytes += bytes;
  }

  /** Destroys every pooled buffer (live ones are destroyed as they come back). */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.counters.pooledBuffers = 0;
    this.counters.pooledBytes = 0;
  }

  /** Destroys the pooled buffers and stops pooling. */
  close(): void {
    this.trim();
    this.destroyed = true;
  }

  /** Wraps a pooled buffer in a handle that gives it back when released or collected. */
  handle(owner: GpuBufferOwner, length: number): GpuBuffer {
    const { buffer, bytes } = this.take(Math.max(4, length * 4));
    const handle = new GpuBuffer(owner, buffer, length, bytes, this);
    if (this.onHandle !== null) this.onHandle(handle);
    return handle;
  }
}

/** What a {@link GpuBuffer} knows of the context that made it (kept minimal to avoid an import cycle). */
export interface GpuBufferOwner {
  readonly device: GPUDevice;
}

/**
 * A GPU storage buffer of `length` 32-bit elements (float32, or int32 for pooling indices), owned
 * by a {@link GpuContext}. The underlying `GPUBuffer` may be larger (its pool bucket). Give it back
 * with {@link GpuBuffer.release}; a handle that is dropped without it is given back when the
 * garbage collector finalizes it.
 *
 * @example
 * ```ts
 * import { initWebGPU, readback, upload } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * const buf = upload(gpu, new Float32Array([1, 2, 3]));
 * buf.length; // -> 3
 * Array.from(await readback(buf)); // -> [1, 2, 3]
 * buf.release();
 * buf.released; // -> true
 * ```
 */
export class GpuBuffer {
  /** The context (device) the buffer lives on. */
  readonly owner: GpuBufferOwner;
  /** Elements (4 bytes each) the buffer holds. */
  readonly length: number;
  /** Bytes of the underlying (bucket-sized) GPU buffer. */
  readonly capacityBytes: number;
  private gpuBuffer: GPUBuffer | null;
  private readonly pool: BufferPool;

  /** @internal Made by {@link BufferPool.handle}; use `upload` or `allocate`. */
  constructor(owner: GpuBufferOwner, buffer: GPUBuffer, length: number, capacityBytes: number, pool: BufferPool) {
    // Checked before registering: a bad pool would otherwise throw later, inside the garbage
    // collector's finalization callback, where no caller can catch it.
    if (!(pool instanceof BufferPool)) argumentError('GpuBuffer', 'pool', 'GpuBuffers are made by upload or allocate');
    if (typeof owner !== 'object' || owner === null) argumentError('GpuBuffer', 'owner', 'expected the owning context');
    if (typeof buffer !== 'object' || buffer === null) argumentError('GpuBuffer', 'buffer', 'expected a GPUBuffer');
    checkCount('GpuBuffer', 'length', length);
    checkCount('GpuBuffer', 'capacityBytes', capacityBytes);
    this.owner = owner;
    this.length = length;
    this.capacityBytes = capacityBytes;
    this.gpuBuffer = buffer;
    this.pool = pool;
    collected.register(this, { pool, buffer, bytes: capacityBytes }, this);
  }

  /** The `GPUBuffer`; throws a `'released'` {@link WebGPUError} after {@link GpuBuffer.release}. */
  get buffer(): GPUBuffer {
    if (this.gpuBuffer === null) {
      throw new WebGPUError('GpuBuffer.buffer', 'buffer', 'released', 'the buffer was released');
    }
    return this.gpuBuffer;
  }

  /** Whether {@link GpuBuffer.release} was called. */
  get released(): boolean {
    return this.gpuBuffer === null;
  }

  /** Bytes the elements take (`length * 4`). */
  get byteLength(): number {
    return this.length * 4;
  }

  /**
   * Gives the buffer back to the pool now (idempotent). Work already queued on it still runs:
   * WebGPU orders later writes after it.
   */
  release(): void {
    if (this.gpuBuffer === null) return;
    collected.unregister(this);
    this.pool.giveBack(this.gpuBuffer, this.capacityBytes);
    this.gpuBuffer = null;
  }
}
