// Float32 sums accumulated in float64, for WebAssembly 128-bit SIMD, bit-identical to
// @torchlet/tensor's JavaScript loops.
//
// Why they agree bit for bit: every output is a float64 running sum that starts at +0 and adds its
// float32 inputs (converted exactly to float64) one at a time in input order, exactly as the
// JavaScript loop `acc += x[i]` does. The SIMD lanes never combine two inputs of one output: they
// run independent outputs side by side.
//   - Over a non-last dimension (`sumColsF32`), lane j of a vector accumulator is output column
//     j: `acc[c] += x[r, c]` for r in order, eight columns per step in four f64x2 registers.
//   - Over the last dimension (`sumRowsF32`), the lanes are rows: eight rows at a time, four
//     floats of each loaded, shuffled into pairs (row a, row b) and added in column order, so each
//     lane still sees its own row's values in order, and the four f64x2 chains hide the add latency.
//
// Pointers are byte addresses of dense data laid out by src/reduce.ts.

/** Lanes 2 and 3 of `x` moved to lanes 0 and 1 (for f64x2.promote_low_f32x4). */
function high(x: v128): v128 {
  return v128.shuffle<i64>(x, x, 1, 1);
}

/**
 * `acc[o, c] (+)= sum over r of src[o, r, c]` for `outer` dense `[reduced, inner]` float32 blocks
 * at `src`, into `outer x inner` float64 values at `acc`: from +0 when `accumulate` is 0, else
 * continuing the sums already in `acc` (a block staged in several pieces). Rows are added in order.
 */
export function sumColsF32(src: usize, outer: i32, reduced: i32, inner: i32, acc: usize, accumulate: i32): void {
  const rowBytes = (<usize>inner) << 2;
  const blockBytes = <usize>reduced * rowBytes;
  for (let o = 0; o < outer; o++) {
    const block = src + <usize>o * blockBytes;
    const out = acc + ((<usize>o * <usize>inner) << 3);
    let c = 0;
    // Eight columns per pass: four f64x2 accumulators.
    for (; c + 8 <= inner; c += 8) {
      const ap = out + ((<usize>c) << 3);
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      let a2 = f64x2.splat(0);
      let a3 = f64x2.splat(0);
      if (accumulate) {
        a0 = v128.load(ap);
        a1 = v128.load(ap, 16);
        a2 = v128.load(ap, 32);
        a3 = v128.load(ap, 48);
      }
      let s = block + ((<usize>c) << 2);
      for (let r = 0; r < reduced; r++) {
        const x = v128.load(s);
        const y = v128.load(s, 16);
        a0 = f64x2.add(a0, f64x2.promote_low_f32x4(x));
        a1 = f64x2.add(a1, f64x2.promote_low_f32x4(high(x)));
        a2 = f64x2.add(a2, f64x2.promote_low_f32x4(y));
        a3 = f64x2.add(a3, f64x2.promote_low_f32x4(high(y)));
        s += rowBytes;
      }
      v128.store(ap, a0);
      v128.store(ap, a1, 16);
      v128.store(ap, a2, 32);
      v128.store(ap, a3, 48);
    }
    // Four columns.
    if (c + 4 <= inner) {
      const ap = out + ((<usize>c) << 3);
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      if (accumulate) {
        a0 = v128.load(ap);
        a1 = v128.load(ap, 16);
      }
      let s = block + ((<usize>c) << 2);
      for (let r = 0; r < reduced; r++) {
        const x = v128.load(s);
        a0 = f64x2.add(a0, f64x2.promote_low_f32x4(x));
        a1 = f64x2.add(a1, f64x2.promote_low_f32x4(high(x)));
        s += rowBytes;
      }
      v128.store(ap, a0);
      v128.store(ap, a1, 16);
      c += 4;
    }
    // The last one to three columns, one at a time.
    for (; c < inner; c++) {
      const ap = out + ((<usize>c) << 3);
      let a: f64 = accumulate ? load<f64>(ap) : 0;
      let s = block + ((<usize>c) << 2);
      for (let r = 0; r < reduced; r++) {
        a += <f64>load<f32>(s);
        s += rowBytes;
      }
      store<f64>(ap, a);
    }
  }
}

/** Adds columns `[c, cols)` of one row to the float64 sum at `p`, in order. */
function rowTail(s: usize, c: i32, cols: i32, p: usize): void {
  let a = load<f64>(p);
  for (; c < cols; c++) {
    a += <f64>load<f32>(s);
    s += 4;
  }
  store<f64>(p, a);
}

/**
 * `out[r] (+)= sum over c of src[r, c]` for a dense `rows x cols` float32 block at `src`, into
 * `rows` float64 values at `out`: from +0 when `accumulate` is 0, else continuing the sums in
 * `out` (long rows staged in pieces). Each row's values are added in column order.
 */
export function sumRowsF32(src: usize, rows: i32, cols: i32, out: usize, accumulate: i32): void {
  const rowBytes = (<usize>cols) << 2;
  const cols4 = cols & ~3;
  let r = 0;
  // Eight rows at a time: lanes (r, r+1), (r+2, r+3), (r+4, r+5), (r+6, r+7).
  for (; r + 8 <= rows; r += 8) {
    const o = out + ((<usize>r) << 3);
    let ab = f64x2.splat(0);
    let cd = f64x2.splat(0);
    let ef = f64x2.splat(0);
    let gh = f64x2.splat(0);
    if (accumulate) {
      ab = v128.load(o);
      cd = v128.load(o, 16);
      ef = v128.load(o, 32);
      gh = v128.load(o, 48);
    }
    const s0 = src + <usize>r * rowBytes;
    const s4 = s0 + (rowBytes << 2);
    for (let c = 0; c < cols4; c += 4) {
      const at = (<usize>c) << 2;
      const a = v128.load(s0 + at);
      const b = v128.load(s0 + rowBytes + at);
      const e = v128.load(s0 + 2 * rowBytes + at);
      const f = v128.load(s0 + 3 * rowBytes + at);
      const g = v128.load(s4 + at);
      const h = v128.load(s4 + rowBytes + at);
      const k = v128.load(s4 + 2 * rowBytes + at);
      const l = v128.load(s4 + 3 * rowBytes + at);
      const ab01 = v128.shuffle<i32>(a, b, 0, 4, 1, 5); // a0 b0 a1 b1
      const ab23 = v128.shuffle<i32>(a, b, 2, 6, 3, 7); // a2 b2 a3 b3
      const ef01 = v128.shuffle<i32>(e, f, 0, 4, 1, 5);
      const ef23 = v128.shuffle<i32>(e, f, 2, 6, 3, 7);
      const gh01 = v128.shuffle<i32>(g, h, 0, 4, 1, 5);
      const gh23 = v128.shuffle<i32>(g, h, 2, 6, 3, 7);
      const kl01 = v128.shuffle<i32>(k, l, 0, 4, 1, 5);
      const kl23 = v128.shuffle<i32>(k, l, 2, 6, 3, 7);
      ab = f64x2.add(ab, f64x2.promote_low_f32x4(ab01));
      cd = f64x2.add(cd, f64x2.promote_low_f32x4(ef01));
      ef = f64x2.add(ef, f64x2.promote_low_f32x4(gh01));
      gh = f64x2.add(gh, f64x2.promote_low_f32x4(kl01));
      ab = f64x2.add(ab, f64x2.promote_low_f32x4(high(ab01)));
      cd = f64x2.add(cd, f64x2.promote_low_f32x4(high(ef01)));
      ef = f64x2.add(ef, f64x2.promote_low_f32x4(high(gh01)));
      gh = f64x2.add(gh, f64x2.promote_low_f32x4(high(kl01)));
      ab = f64x2.add(ab, f64x2.promote_low_f32x4(ab23));
      cd = f64x2.add(cd, f64x2.promote_low_f32x4(ef23));
      ef = f64x2.add(ef, f64x2.promote_low_f32x4(gh23));
      gh = f64x2.add(gh, f64x2.promote_low_f32x4(kl23));
      ab = f64x2.add(ab, f64x2.promote_low_f32x4(high(ab23)));
      cd = f64x2.add(cd, f64x2.promote_low_f32x4(high(ef23)));
      ef = f64x2.add(ef, f64x2.promote_low_f32x4(high(gh23)));
      gh = f64x2.add(gh, f64x2.promote_low_f32x4(high(kl23)));
    }
    v128.store(o, ab);
    v128.store(o, cd, 16);
    v128.store(o, ef, 32);
    v128.store(o, gh, 48);
    if (cols4 < cols) {
      const tail = (<usize>cols4) << 2;
      for (let q = 0; q < 8; q++) rowTail(s0 + <usize>q * rowBytes + tail, cols4, cols, o + ((<usize>q) << 3));
    }
  }
  // Two rows at a time: lanes (r, r+1).
  for (; r + 2 <= rows; r += 2) {
    const o = out + ((<usize>r) << 3);
    let ab = accumulate ? v128.load(o) : f64x2.splat(0);
    const s0 = src + <usize>r * rowBytes;
    for (let c = 0; c < cols4; c += 4) {
      const at = (<usize>c) << 2;
      const a = v128.load(s0 + at);
      const b = v128.load(s0 + rowBytes + at);
      const ab01 = v128.shuffle<i32>(a, b, 0, 4, 1, 5);
      const ab23 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
      ab = f64x2.add(ab, f64x2.promote_low_f32x4(ab01));
      ab = f64x2.add(ab, f64x2.promote_low_f32x4(high(ab01)));
      ab = f64x2.add(ab, f64x2.promote_low_f32x4(ab23));
      ab = f64x2.add(ab, f64x2.promote_low_f32x4(high(ab23)));
    }
    v128.store(o, ab);
    if (cols4 < cols) {
      const tail = (<usize>cols4) << 2;
      rowTail(s0 + tail, cols4, cols, o);
      rowTail(s0 + rowBytes + tail, cols4, cols, o + 8);
    }
  }
  // A last single row.
  if (r < rows) {
    const o = out + ((<usize>r) << 3);
    if (!accumulate) store<f64>(o, 0);
    rowTail(src + <usize>r * rowBytes, 0, cols, o);
  }
}
