// recycleFloat32 gives a dead array to freshFloat32 for a later output of the same length; it keeps
// nothing small, nothing that is a view into a larger buffer, and nothing for long (three seconds).
import { TorchletError } from '@torchlet/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshFloat32, poisonFreshOutputs, recycleFloat32, UNZEROED_MIN_FLOATS } from './fresh-output.js';

describe('recycleFloat32', () => {
  afterEach(() => {
    vi.useRealTimers();
    poisonFreshOutputs(null); // empties the pool
  });

  it('hands a recycled array to the next fresh output of its length, once', () => {
    const dead = new Float32Array(UNZEROED_MIN_FLOATS);
    recycleFloat32(dead);
    expect(freshFloat32(UNZEROED_MIN_FLOATS + 4)).not.toBe(dead);
    expect(freshFloat32(UNZEROED_MIN_FLOATS)).toBe(dead);
    expect(freshFloat32(UNZEROED_MIN_FLOATS)).not.toBe(dead);
  });

  it('keeps no small array and no view into a larger buffer', () => {
    const small = new Float32Array(UNZEROED_MIN_FLOATS - 1);
    recycleFloat32(small);
    expect(freshFloat32(UNZEROED_MIN_FLOATS - 1)).not.toBe(small);
    const big = new Float32Array(2 * UNZEROED_MIN_FLOATS);
    const view = big.subarray(UNZEROED_MIN_FLOATS);
    recycleFloat32(view);
    recycleFloat32(big.subarray(0, UNZEROED_MIN_FLOATS));
    const out = freshFloat32(UNZEROED_MIN_FLOATS);
    expect(out.buffer).not.toBe(big.buffer);
  });

  it('keeps an array for a second, and drops it once it waited more than three', () => {
    vi.useFakeTimers();
    const young = new Float32Array(UNZEROED_MIN_FLOATS);
    recycleFloat32(young);
    vi.advanceTimersByTime(1000);
    expect(freshFloat32(UNZEROED_MIN_FLOATS)).toBe(young);
    const old = new Float32Array(UNZEROED_MIN_FLOATS);
    recycleFloat32(old);
    vi.advanceTimersByTime(7000);
    expect(freshFloat32(UNZEROED_MIN_FLOATS)).not.toBe(old);
  });

  it('is bypassed while fresh outputs are poisoned (the tests that look for unwritten elements)', () => {
    const dead = new Float32Array(UNZEROED_MIN_FLOATS);
    poisonFreshOutputs(Number.NaN);
    recycleFloat32(dead);
    const out = freshFloat32(UNZEROED_MIN_FLOATS);
    expect(out).not.toBe(dead);
    expect(Number.isNaN(out[0])).toBe(true);
  });

  it('throws a TorchletError naming the argument for anything but a Float32Array', () => {
    expect(() => recycleFloat32(null as unknown as Float32Array)).toThrow(TorchletError);
    expect(() => recycleFloat32(new Float64Array(UNZEROED_MIN_FLOATS) as unknown as Float32Array)).toThrow(
      /recycleFloat32: expected a Float32Array, got Float64Array/,
    );
  });
});
