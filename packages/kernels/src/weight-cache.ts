// Packed conv weights kept in WebAssembly memory between calls. A network runs the same weights on
// every input, and at batch 1 copying and packing them is a large share of a weight-bound layer
// (ResNet-18's 512x512 3x3 convs at 7x7: 2.6 ms of 10 ms per call, one thread), so the packed form
// stays in an arena at the bottom of each module's heap and is reused while the caller says the
// weights have not changed.
//
// The arena is [base, end) right above the module's own data; every kernel lays out its per-call
// scratch from `heapBase()`, which the exports wrapper below moves to `end`, so scratch never
// overlaps a cached entry. Entries are bump-allocated; when the next one would pass the byte budget,
// the whole arena is dropped and refilled (simple, never fragmented, bounded: a working set larger
// than the budget costs what no cache costs, a repack per call). An entry is found by the identity
// of its owner (held weakly: the cache never keeps a weight alive) and a layout string, and reused
// only at the same version; a newer version is repacked into the same slot.

import { describeArgument, KernelArgumentError } from './errors.js';
import type { GemmExports } from './loader.js';

const align64 = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/**
 * Default byte budget of the packed-weight cache, per WebAssembly module (64 MiB: ResNet-18's
 * 11.7M conv weights, packed, take 47 MB).
 *
 * @example
 * ```ts
 * import { DEFAULT_WEIGHT_CACHE_BYTES } from '@torchlet/kernels';
 * DEFAULT_WEIGHT_CACHE_BYTES / 2 ** 20; // -> 64
 * ```
 */
export const DEFAULT_WEIGHT_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * What identifies a weight's values for the packed-weight cache (see {@link wasmConv2dForward}'s
 * options): `owner` is the storage object (compared by identity, held weakly), `layout` says how
 * the weight is read from it (offset, strides, shape) and `version` counts the writes the storage
 * has seen. The caller promises that equal `(owner, layout, version)` mean equal values; a
 * tensor's in-place operations bump its version (`Tensor.version`).
 *
 * @example
 * ```ts
 * import type { WeightKey } from '@torchlet/kernels';
 * const storage = new Float32Array(9);
 * const key: WeightKey = { owner: storage, layout: '0:[1,1,3,3]', version: 0 };
 * key.version; // -> 0
 * ```
 */
export interface WeightKey {
  readonly owner: object;
  readonly layout: string;
  readonly version: number;
}

interface Entry {
  readonly owner: WeakRef<object>;
  readonly tag: string;
  readonly at: number;
  readonly bytes: number;
  /** The version whose values the slot holds; NaN while being (re)packed, so a failed call never leaves a valid-looking entry. */
  version: number;
}

interface Arena {
  readonly base: number;
  end: number;
  entries: Entry[];
}

const arenas = new WeakMap<WebAssembly.Memory, Arena>();
/** Every arena, weakly, for clearWeightCache and weightCacheInfo (a retired thread pool's memory may be collected). */
const known: WeakRef<Arena>[] = [];
let budget = DEFAULT_WEIGHT_CACHE_BYTES;
let hits = 0;
let misses = 0;

/**
 * The exports of a freshly instantiated module, with `heapBase()` moved above its weight arena so
 * that every kernel's per-call scratch starts past the cached entries.
 */
export function withWeightArena<T extends GemmExports>(mod: T): T {
  const base = align64(mod.heapBase());
  const arena: Arena = { base, end: base, entries: [] };
  arenas.set(mod.memory, arena);
  known.push(new WeakRef(arena));
  return { ...mod, heapBase: () => arena.end };
}

/** A slot of the arena for one packed weight: `hit` when it already holds the key's version. */
export interface WeightSlot {
  /** Byte address of the slot in the module's memory. */
  readonly at: number;
  readonly hit: boolean;
  /** Marks the slot as holding the key's version (call once the packed weights are written). */
  readonly commit: () => void;
}

/**
 * The slot for `bytes` of packed weights identified by `key` and the packing `tag` in `mod`'s
 * arena, reserving one (and moving `heapBase()` up) on a miss; null when the cache is off, the
 * module has no arena or the weights would take more than half the budget (the caller then packs
 * into its scratch as without a cache). Call before laying out scratch from `heapBase()`.
 */
export function weightSlot(mod: GemmExports, key: WeightKey, tag: string, bytes: number): WeightSlot | null {
  const arena = arenas.get(mod.memory);
  if (arena === undefined || budget === 0 || bytes > budget / 2) return null;
  const fullTag = `${key.layout}|${tag}`;
  let entry: Entry | undefined;
  for (const e of arena.entries) {
    if (e.tag === fullTag && e.owner.deref() === key.owner) {
      entry = e;
      break;
    }
  }
  if (entry !== undefined && entry.version === key.version) {
    hits++;
    return { at: entry.at, hit: true, commit: () => {} };
  }
  misses++;
  if (entry === undefined) {
    if (arena.end - arena.base + bytes > budget) {
      arena.entries = [];
      arena.end = arena.base;
    }
    entry = { owner: new WeakRef(key.owner), tag: fullTag, at: arena.end, bytes, version: Number.NaN };
    arena.entries.push(entry);
    arena.end = align64(arena.end + bytes);
  }
  const slot = entry;
  slot.version = Number.NaN;
  const version = key.version;
  const commit = (): void => {
    slot.version = version;
  };
  return { at: slot.at, hit: false, commit };
}

/**
 * Sets the byte budget of the packed-weight cache of the WebAssembly conv2d kernel (per module:
 * the single-threaded one and the threads' shared one each keep their own); `0` turns the cache
 * off. Entries already cached are dropped (the memory they used is reused by later calls:
 * WebAssembly memory never shrinks).
 *
 * @param bytes - The budget in bytes (default {@link DEFAULT_WEIGHT_CACHE_BYTES}), a non-negative integer.
 * @example
 * ```ts
 * import { DEFAULT_WEIGHT_CACHE_BYTES, setWeightCacheBytes, weightCacheInfo } from '@torchlet/kernels';
 * setWeightCacheBytes(0); // off: every call packs its weights again
 * setWeightCacheBytes(DEFAULT_WEIGHT_CACHE_BYTES);
 * weightCacheInfo().budget; // -> 67108864
 * ```
 */
export function setWeightCacheBytes(bytes: number): void {
  if (!Number.isInteger(bytes) || bytes < 0) {
    throw new KernelArgumentError(
      'setWeightCacheBytes',
      'bytes',
      `bytes must be a non-negative integer, got ${describeArgument(bytes)}`,
    );
  }
  budget = bytes;
  clearWeightCache();
}

/**
 * Drops every cached packed weight (the next call of each weight packs it again). Never needed for
 * correctness when weights change through tensor operations (their version changes); call it after
 * writing a weight's typed array directly without `bumpVersion()`.
 *
 * @example
 * ```ts
 * import { clearWeightCache, weightCacheInfo } from '@torchlet/kernels';
 * clearWeightCache();
 * weightCacheInfo().entries; // -> 0
 * ```
 */
export function clearWeightCache(): void {
  for (const arena of liveArenas()) {
    arena.entries = [];
    arena.end = arena.base;
  }
}

/** The arenas of the modules still alive. */
function liveArenas(): Arena[] {
  const out: Arena[] = [];
  for (let i = known.length - 1; i >= 0; i--) {
    const a = known[i].deref();
    if (a === undefined) known.splice(i, 1);
    else out.push(a);
  }
  return out;
}

/**
 * What the packed-weight cache holds and has done since the process started.
 *
 * @example
 * ```ts
 * import { type WeightCacheInfo, weightCacheInfo } from '@torchlet/kernels';
 * const info: WeightCacheInfo = weightCacheInfo();
 * info.hits + info.misses >= 0; // -> true
 * ```
 */
export interface WeightCacheInfo {
  /** The byte budget per module (see {@link setWeightCacheBytes}). */
  readonly budget: number;
  /** Bytes of packed weights held, over every module. */
  readonly bytes: number;
  /** Entries held, over every module (stale versions included until repacked or dropped). */
  readonly entries: number;
  /** Calls that reused packed weights. */
  readonly hits: number;
  /** Calls that packed (first use, new version, or a dropped entry). */
  readonly misses: number;
}

/**
 * The packed-weight cache's budget, contents and hit counts (tests use the counts to check that a
 * call really reused, or really repacked, its weights).
 *
 * @returns The budget, bytes and entries held, hits and misses; see {@link WeightCacheInfo}.
 * @example
 * ```ts
 * import { weightCacheInfo } from '@torchlet/kernels';
 * const { hits, misses } = weightCacheInfo();
 * hits + misses >= 0; // -> true
 * ```
 */
export function weightCacheInfo(): WeightCacheInfo {
  let bytes = 0;
  let entries = 0;
  for (const a of liveArenas()) {
    entries += a.entries.length;
    for (const e of a.entries) bytes += e.bytes;
  }
  return { budget, bytes, entries, hits, misses };
}
