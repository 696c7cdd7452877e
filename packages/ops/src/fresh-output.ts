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
 * A new float32 array of `size` elements whose contents are unspecified (zeros in browsers, and
 * for fewer than {@link UNZEROED_MIN_FLOATS} elements; whatever the allocator left in Node): for a
 * kernel's output that the kernel overwrites entirely before anyone reads it.
 */
export function freshFloat32(size: number): Float32Array {
  if (poison !== null) {
    poisoned++;
    const out = unzeroed(size) ?? new Float32Array(size);
    return out.fill(poison);
  }
  if (size >= UNZEROED_MIN_FLOATS) {
    const out = unzeroed(size);
    if (out !== null) return out;
  }
  return new Float32Array(size);
}

/**
 * For tests: with a number, every {@link freshFloat32} array (any size) starts filled with it (NaN
 * shows an element a kernel failed to write), and the count of such arrays starts at 0; with null,
 * normal allocation again. Returns a function reading the count.
 */
export function poisonFreshOutputs(value: number | null): () => number {
  poison = value;
  poisoned = 0;
  return () => poisoned;
}
