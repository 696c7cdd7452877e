// Float32 max pooling, 2x2 windows, stride 2, no padding or dilation (floor mode: an odd last
// row or column is dropped), on dense planes in linear memory, for WebAssembly 128-bit SIMD.
//
// Bit-identical to @torchlet/ops' JavaScript loop, which keeps PyTorch's CPU rule: taps in the
// order (0,0) (0,1) (1,0) (1,1), a tap replaces the running maximum when it is greater or NaN, so
// ties keep the first maximum (-0 before +0 stays -0) and a NaN wins.
//
// Without NaN, that rule is `f32x4.pmax` (`b if a < b else a`, one `maxps`), folded as
// pmax(pmax(t0, t1), pmax(t2, t3)): each half keeps its first maximum, and the second half wins only
// when strictly greater, so the result is the first tap equal to the maximum, bit for bit (a
// NaN-propagating `f32x4.max` would turn -0 into +0, and costs several instructions). pmax drops a
// later NaN, so every output row also sums its taps: when the sum is NaN (a NaN tap, or +inf
// meeting -inf) the row is redone with the scalar rule.

/** The scalar rule of the JavaScript loop for one window (`t !== t`: t is NaN). */
function window4(t0: f32, t1: f32, t2: f32, t3: f32): f32 {
  let best = t0;
  // biome-ignore lint/suspicious/noSelfCompare: NaN test
  if (t1 > best || t1 !== t1) best = t1;
  // biome-ignore lint/suspicious/noSelfCompare: NaN test
  if (t2 > best || t2 !== t2) best = t2;
  // biome-ignore lint/suspicious/noSelfCompare: NaN test
  if (t3 > best || t3 !== t3) best = t3;
  return best;
}

/**
 * Pools `planes` dense `h x w` float32 planes at `x` into `planes` dense `(h/2) x (w/2)` planes
 * at `out` (floor division).
 */
export function maxPool2x2(x: usize, planes: i32, h: i32, w: i32, out: usize): void {
  const ho = h >> 1;
  const wo = w >> 1;
  const wv = wo & ~3; // outputs computed 4 at a time
  const rowBytes = (<usize>w) << 2;
  const planeBytes = <usize>h * rowBytes;
  let o = out;
  for (let p = 0; p < planes; p++) {
    let r0 = x + <usize>p * planeBytes;
    for (let oh = 0; oh < ho; oh++, r0 += rowBytes << 1) {
      const r1 = r0 + rowBytes;
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      for (let j = 0; j < wv; j += 4) {
        const off = (<usize>j) << 3;
        const a0 = v128.load(r0 + off);
        const a1 = v128.load(r0 + off, 16);
        const b0 = v128.load(r1 + off);
        const b1 = v128.load(r1 + off, 16);
        s0 = f32x4.add(s0, f32x4.add(a0, a1));
        s1 = f32x4.add(s1, f32x4.add(b0, b1));
        const top = f32x4.pmax(v128.shuffle<f32>(a0, a1, 0, 2, 4, 6), v128.shuffle<f32>(a0, a1, 1, 3, 5, 7));
        const bottom = f32x4.pmax(v128.shuffle<f32>(b0, b1, 0, 2, 4, 6), v128.shuffle<f32>(b0, b1, 1, 3, 5, 7));
        v128.store(o + ((<usize>j) << 2), f32x4.pmax(top, bottom));
      }
      const s = f32x4.add(s0, s1);
      // A NaN among the taps (or +inf meeting -inf): redo the vector part with the scalar rule.
      const j0 = v128.any_true(f32x4.ne(s, s)) ? 0 : wv;
      for (let j = j0; j < wo; j++) {
        const off = (<usize>j) << 3;
        store<f32>(
          o + ((<usize>j) << 2),
          window4(load<f32>(r0 + off), load<f32>(r0 + off, 4), load<f32>(r1 + off), load<f32>(r1 + off, 4)),
        );
      }
      o += (<usize>wo) << 2;
    }
  }
}
