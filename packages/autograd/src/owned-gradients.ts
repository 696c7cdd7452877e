// Backward owns the CPU gradients its own rules compute, as it owns their webgpu buffers
// (gpu-release.ts): a gradient made during the pass by a kernel (a fresh array nobody else holds)
// dies once the node it flows into has run. A rule that knows this may write its result over that
// gradient instead of allocating (BatchNorm's input gradient over its output gradient): MobileNetV2's
// training step allocated ~900 MB of arrays, a quarter of them BatchNorm's input gradients, and
// spent a tenth of its time collecting them. Nothing the caller can reach is ever overwritten: a
// gradient stops being owned when it is handed out (`gradients()` results, a custom function's
// backward, which may keep what it is given) and is never owned while another pending gradient
// reads its storage.
import { recycleFloat32 } from '@torchlet/ops';
import type { Tensor } from '@torchlet/tensor';
import type { Variable } from './variable.js';

/** The storages (CPU typed arrays' buffers) the running backward pass made and may overwrite. */
let pass: Set<ArrayBufferLike> | null = null;
/** How many times a rule wrote over the gradient it consumed (tests read it: the path really ran). */
let overwrites = 0;
/** How many consumed gradients were given back for reuse (tests read it). */
let recycled = 0;

/** For tests: the number of gradients rules wrote over since the module loaded. */
export function ownedOverwrites(): number {
  return overwrites;
}

/** Called by a rule that wrote its result over the gradient it was given (`gradOwned`). */
export function noteOverwrite(): void {
  overwrites++;
}

/** The CPU storage key of a tensor: its typed array's buffer, or null on webgpu. */
function bufferOf(t: Tensor): ArrayBufferLike | null {
  return t.gpuBuffer === null ? (t.data as ArrayBufferView).buffer : null;
}

/** Whether `t` spans its whole buffer, densely (so overwriting it touches nothing else). */
function wholeBuffer(t: Tensor): boolean {
  if (t.gpuBuffer !== null || t.offset !== 0 || !t.isContiguous()) return false;
  const data = t.data as ArrayBufferView & { readonly length: number };
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.length === t.numel;
}

/**
 * Runs `fn` as one backward pass that owns the gradients its rules mark ({@link markOwned}). Nested
 * passes (a rule running backward) get their own set; the outer one is restored after.
 */
export function withOwnedGradients<T>(fn: () => T): T {
  const outer = pass;
  pass = new Set();
  try {
    return fn();
  } finally {
    pass = outer;
  }
}

/**
 * Marks `t`, a tensor a rule's kernel has just allocated, as owned by the running pass, unless it
 * shares storage with one of `inputs` (what the rule was given or saved: never the rule's to give
 * away). No-op outside a pass (createGraph, or no backward running).
 */
export function markOwned(t: Tensor, inputs: readonly Tensor[] = []): void {
  if (pass === null || !wholeBuffer(t)) return;
  const b = bufferOf(t);
  if (b === null || inputs.some((i) => bufferOf(i) === b)) return;
  pass.add(b);
}

/** Ends the pass's ownership of `v`'s storage: it is being handed to code that may keep it. */
export function disown(v: Variable | null): void {
  if (pass === null || v === null) return;
  const b = bufferOf(v.data);
  if (b !== null) pass.delete(b);
}

/**
 * Whether the node about to consume `g` may overwrite it: the pass owns its whole buffer and no
 * other `pending` gradient (views included, or `g` itself queued for another node) reads it.
 */
export function ownsExclusively(g: Variable, pending: Iterable<Variable>): boolean {
  if (pass === null || !wholeBuffer(g.data)) return false;
  const b = bufferOf(g.data);
  if (b === null || !pass.has(b)) return false;
  for (const p of pending) if (bufferOf(p.data) === b) return false;
  return true;
}

/**
 * After the rule that consumed `g` has run: when the pass owns `g`'s storage and neither the rule's
 * `results` nor a `pending` gradient reads it, nothing can any more, so its memory goes to ops for
 * a later output of the same size (`recycleFloat32`) instead of waiting for the collector.
 */
export function releaseIfDead(
  g: Variable,
  results: readonly (Variable | null | undefined)[],
  pending: Iterable<Variable>,
): void {
  if (pass === null || !wholeBuffer(g.data)) return;
  const b = bufferOf(g.data);
  if (b === null || !pass.has(b)) return;
  for (const r of results) if (r !== null && r !== undefined && bufferOf(r.data) === b) return;
  for (const p of pending) if (bufferOf(p.data) === b) return;
  pass.delete(b);
  const data = g.data.data;
  if (data instanceof Float32Array) {
    recycled++;
    recycleFloat32(data);
  }
}

/** For tests: the number of gradients given back for reuse since the module loaded. */
export function recycledGradients(): number {
  return recycled;
}
