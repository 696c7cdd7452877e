// Fresh float32 outputs for kernels that overwrite every element (issue 12, "where the copies
// go"). `new Float32Array(n)` zero-fills, and a WebAssembly kernel then overwrites the zeros when it
// copies its result out of the module's memory. On MobileNetV2 at batch 1 the conv outputs are
// 35 MB per forward (activations are large next to the arithmetic), and the zeroing is ~3 ms of a
// 60-80 ms forward (one thread, CPU time, same-run A/B; ResNet-18: within the noise). In Node,
// `Buffer.allocUnsafeSlow` returns memory without that fill, in its own ArrayBuffer at offset 0,
// so the result is an ordinary Float32Array to every reader (`.buffer` holds exactly its
// elements, it can be transferred, and the tensor's version counter keys on it as before).
// Browsers have no such allocation and keep the zeroed one. Only a caller whose kernel overwrites
// every element (conv2d's forward kernels: `Conv2dKernelImpl.forward`'s contract) may use it.

import { fail, formatValue } from '@torchlet/tensor';

/** The part of Node's `Buffer` this module uses (looked up at each call: no Node types, no import). */
interface UnzeroedAllocator {
  allocUnsafeSlow(bytes: number): {
    readonly buffer: unknown;
    readonly byteOffset: number;
    readonly byteLength: number;
  };
}

/**
 * Below this many floats (64 KiB) the zero fill costs less than the Buffer call, and small arrays
 * come from V8's own pool: `new Float32Array` stays.
 */
export const UNZEROED_MIN_FLOATS = 1 << 14;

let poison: number | null = null;
let poisoned = 0;

// Arrays their owner gave back (autograd's backward: gradients that died once consumed), reused by
// freshFloat32 for an output of the same length: a training step's gradients have the shapes of
// its forward's outputs, so the next forward writes into memory already mapped instead of fresh
// pages, and the collector has that much less to find (MobileNetV2 batch 8: ~400 MB a step). The
// pool holds at most RECYCLE_MAX_BYTES, and drops what waited longer than RECYCLE_MAX_AGE_MS
// (from one training step's backward to the next step's forward, with room for a slow step).
const RECYCLE_MAX_BYTES = 512 * 1024 * 1024;
const RECYCLE_MAX_AGE_MS = 3000;
const recycled = new Map<number, { readonly array: Float32Array; readonly at: number }[]>();
let recycledBytes = 0;
let drainTimer: ReturnType<typeof setTimeout> | null = null;

/** Drops the arrays that waited too long (the pool must not keep memory an idle program would free). */
function drain(): void {
  drainTimer = null;
  const cutoff = Date.now() - RECYCLE_MAX_AGE_MS;
  for (const [size, list] of recycled) {
    const keep = list.filter((e) => e.at > cutoff);
    recycledBytes -= 4 * size * (list.length - keep.length);
    if (keep.length === 0) recycled.delete(size);
    else recycled.set(size, keep);
  }
  if (recycled.size > 0) scheduleDrain();
}

function scheduleDrain(): void {
  if (drainTimer !== null) return;
  drainTimer = setTimeout(drain, RECYCLE_MAX_AGE_MS);
  // Node: the timer alone must not keep the process alive.
  (drainTimer as { unref?: () => void }).unref?.();
}

/**
 * Gives a float32 array back for reuse as a later kernel output of the same length (its contents
 * are then overwritten). Only for an array nothing will read or write again: autograd's backward
 * calls it on the gradients it owns once they are consumed. Arrays under 64 KiB, views into a
 * larger buffer and arrays beyond the pool's bound are left to the garbage collector.
 *
 * @param array - The dead array.
 * @example
 * ```ts
 * import { recycleFloat32 } from '@torchlet/ops';
 * recycleFloat32(new Float32Array(1 << 16)); // a later 65536-element conv2d output may reuse it
 * ```
 */
export function recycleFloat32(array: Float32Array): void {
  if (!(array instanceof Float32Array)) {
    fail('recycleFloat32', 'array', `expected a Float32Array, got ${formatValue(array)}`);
  }
  const size = array.length;
  if (
    size < UNZEROED_MIN_FLOATS ||
    array.byteOffset !== 0 ||
    array.buffer.byteLength !== 4 * size ||
    recycledBytes + 4 * size > RECYCLE_MAX_BYTES
  )
    return;
  const list = recycled.get(size);
  const entry = { array, at: Date.now() };
  if (list === undefined) recycled.set(size, [entry]);
  else list.push(entry);
  recycledBytes += 4 * size;
  scheduleDrain();
}

/** A recycled array of `size` elements, or null. */
function reuse(size: number): Float32Array | null {
  const list = recycled.get(size);
  const e = list?.pop();
  if (e === undefined) return null;
  if (list?.length === 0) recycled.delete(size);
  recycledBytes -= 4 * size;
  return e.array;
}

/** An unzeroed Float32Array of `size` elements from Node's Buffer, or null where there is none. */
function unzeroed(size: number): Float32Array | null {
  const B = (globalThis as { Buffer?: Partial<UnzeroedAllocator> }).Buffer;
  if (typeof B?.allocUnsafeSlow !== 'function') return null;
  let bytes: ReturnType<UnzeroedAllocator['allocUnsafeSlow']>;
  try {
    bytes = B.allocUnsafeSlow(4 * size);
  } catch {
    return null; // over Node's limit: `new Float32Array` reports it as it always has
  }
  // A polyfilled Buffer may pool or share its memory: only a private, exact ArrayBuffer will do.
  const buffer = bytes.buffer;
  if (!(buffer instanceof ArrayBuffer) || bytes.byteOffset !== 0 || buffer.byteLength !== 4 * size) return null;
  return new Float32Array(buffer);
}

/**
 * A float32 array of `size` elements whose contents are unspecified (zeros in browsers, and
 * for fewer than {@link UNZEROED_MIN_FLOATS} elements; whatever the allocator left in Node, or a
 * {@link recycleFloat32} array's old values): for a kernel's output that the kernel overwrites
 * entirely before anyone reads it.
 */
export function freshFloat32(size: number): Float32Array {
  if (poison !== null) {
    poisoned++;
    const out = unzeroed(size) ?? new Float32Array(size);
    return out.fill(poison);
  }
  if (size >= UNZEROED_MIN_FLOATS) {
    const out = reuse(size) ?? unzeroed(size);
    if (out !== null) return out;
  }
  return new Float32Array(size);
}

/**
 * For tests: with a number, every {@link freshFloat32} array (any size) starts filled with it (NaN
 * shows an element a kernel failed to write), and the count of such arrays starts at 0; with null,
 * normal allocation again. Either way the recycled arrays are dropped. Returns a function reading
 * the count.
 */
export function poisonFreshOutputs(value: number | null): () => number {
  poison = value;
  recycled.clear();
  recycledBytes = 0;
  if (drainTimer !== null) clearTimeout(drainTimer);
  drainTimer = null;
  poisoned = 0;
  return () => poisoned;
}
