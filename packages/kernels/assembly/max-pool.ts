// Float32 2-D max pooling with any window, stride, padding and dilation (the host gives the output
// size, so floor and ceil mode are both covered), values and optionally the argmax indices, on
// dense planes in linear memory, for WebAssembly 128-bit SIMD.
//
// Separable, rows first: each input row is copied into a scratch row bordered with -inf (the
// padding, which never wins), and its horizontal maxima are taken four output columns at a time
// (stride 1: unaligned loads; stride 2: eight floats and the even lanes; other strides: lane by
// lane); then each output row is the maximum of those row maxima over its window's rows. Taking
// rows first keeps PyTorch's tap order (row-major) inside every comparison chain, so the result is
// the first tap equal to the maximum, bit for bit the JavaScript loop of @torchlet/ops:
//   - values: `f32x4.pmax(best, v)` is `best < v ? v : best`, the scalar rule `v > best` (ties keep
//     the earlier tap, so -0 before +0 stays -0); the running maximum starts at -inf, so padding
//     (-inf) and real -inf taps never replace it, and a window of -inf gives -inf;
//   - indices: the same strict compare selects the flat index `ih*W + iw`, starting at the
//     window's first real tap, as the scalar loop; a dilated window that covers only padding
//     gives -inf and index -1.
// pmax drops a NaN in its second operand, so the row copy also tests every input for NaN; a plane
// holding one is redone with the scalar rule (`v > best || v is NaN`: a NaN wins and a later NaN
// replaces it).

/** The scratch row: -inf borders, then `w` inputs from column `pw`; long enough for every vector load. */
function rowFloats(w: i32, kw: i32, sw: i32, pw: i32, dw: i32, wo4: i32): i32 {
  const last = (wo4 - 1) * sw + (kw - 1) * dw + 1;
  return max(last, pw + w) + 8;
}

/** Bytes rounded up to 64. */
function align(bytes: i32): i32 {
  return (bytes + 63) & ~63;
}

/**
 * Bytes of scratch {@link maxPool2dPlanes} needs at `work` for planes of `h` rows: the bordered
 * row, the row maxima of every input row (values, and columns with indices) and the first real
 * column of each window.
 */
export function maxPool2dWorkBytes(h: i32, w: i32, kw: i32, sw: i32, pw: i32, dw: i32, wo: i32, indices: i32): i32 {
  const wo4 = (wo + 3) & ~3;
  const rows = align(rowFloats(w, kw, sw, pw, dw, wo4) << 2) + align((h * wo4) << 2);
  return indices ? rows + align((h * wo4) << 2) + align(wo4 << 2) : rows;
}

/** The exact scalar rule of the JavaScript loop for one plane (used when the plane holds a NaN). */
function scalarPlane(
  x: usize,
  h: i32,
  w: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  ph: i32,
  pw: i32,
  dh: i32,
  dw: i32,
  ho: i32,
  wo: i32,
  out: usize,
  idx: usize,
  rowOffset: i32,
): void {
  let o: usize = 0;
  for (let oh = 0; oh < ho; oh++) {
    let ih0 = oh * sh - ph;
    const ih1 = min(ih0 + (kh - 1) * dh + 1, h);
    while (ih0 < 0) ih0 += dh;
    for (let ow = 0; ow < wo; ow++, o += 4) {
      let iw0 = ow * sw - pw;
      const iw1 = min(iw0 + (kw - 1) * dw + 1, w);
      while (iw0 < 0) iw0 += dw;
      let best: f32 = -Infinity;
      let at = ih0 < ih1 && iw0 < iw1 ? (ih0 + rowOffset) * w + iw0 : -1;
      for (let ih = ih0; ih < ih1; ih += dh) {
        const row = x + ((<usize>ih * <usize>w) << 2);
        for (let iw = iw0; iw < iw1; iw += dw) {
          const v = load<f32>(row + ((<usize>iw) << 2));
          // biome-ignore lint/suspicious/noSelfCompare: NaN test
          if (v > best || v !== v) {
            best = v;
            at = (ih + rowOffset) * w + iw;
          }
        }
      }
      store<f32>(out + o, best);
      if (idx !== 0) store<i32>(idx + o, at);
    }
  }
}

/**
 * Copies row `src` (`w` floats) to `dst` (the scratch row's first real column); returns the lanes
 * that were NaN, or-ed together.
 */
function copyRow(src: usize, dst: usize, w: i32): v128 {
  let nan = i32x4.splat(0);
  const bytes = (<usize>w) << 2;
  const vecEnd = bytes & ~(<usize>15);
  let i: usize = 0;
  for (; i < vecEnd; i += 16) {
    const v = v128.load(src + i);
    nan = v128.or(nan, f32x4.ne(v, v));
    v128.store(dst + i, v);
  }
  for (; i < bytes; i += 4) {
    const v = load<f32>(src + i);
    // biome-ignore lint/suspicious/noSelfCompare: NaN test
    if (v !== v) nan = i32x4.splat(-1);
    store<f32>(dst + i, v);
  }
  return nan;
}

/** The horizontal maxima of one bordered row `r` into `hv` (`wo4` values). */
function rowMaxValues(r: usize, kw: i32, sw: i32, dw: i32, wo4: i32, hv: usize): void {
  const neg = f32x4.splat(-Infinity);
  const tapStep = (<usize>dw) << 2;
  if (sw === 1) {
    for (let o = 0; o < wo4; o += 4) {
      let best = neg;
      let q = r + ((<usize>o) << 2);
      for (let k = 0; k < kw; k++, q += tapStep) best = f32x4.pmax(best, v128.load(q));
      v128.store(hv + ((<usize>o) << 2), best);
    }
  } else if (sw === 2) {
    if (kw === 3 && dw === 1) {
      // The ResNet stem pool: taps 2o, 2o+1, 2o+2 are the even, odd and next even lanes.
      for (let o = 0; o < wo4; o += 4) {
        const q = r + ((<usize>o) << 3);
        const a = v128.load(q);
        const b = v128.load(q, 16);
        const c = v128.load(q, 32);
        const even = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
        const odd = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
        const next = v128.shuffle<f32>(a, b, 2, 4, 6, 0);
        const nextEven = f32x4.replace_lane(next, 3, f32x4.extract_lane(c, 0));
        v128.store(hv + ((<usize>o) << 2), f32x4.pmax(f32x4.pmax(f32x4.pmax(neg, even), odd), nextEven));
      }
      return;
    }
    for (let o = 0; o < wo4; o += 4) {
      let best = neg;
      let q = r + ((<usize>o) << 3);
      for (let k = 0; k < kw; k++, q += tapStep) {
        best = f32x4.pmax(best, v128.shuffle<f32>(v128.load(q), v128.load(q, 16), 0, 2, 4, 6));
      }
      v128.store(hv + ((<usize>o) << 2), best);
    }
  } else {
    const laneStep = (<usize>sw) << 2;
    for (let o = 0; o < wo4; o += 4) {
      let best = neg;
      let q = r + ((<usize>(o * sw)) << 2);
      for (let k = 0; k < kw; k++, q += tapStep) {
        let v = f32x4.splat(load<f32>(q));
        v = f32x4.replace_lane(v, 1, load<f32>(q + laneStep));
        v = f32x4.replace_lane(v, 2, load<f32>(q + 2 * laneStep));
        v = f32x4.replace_lane(v, 3, load<f32>(q + 3 * laneStep));
        best = f32x4.pmax(best, v);
      }
      v128.store(hv + ((<usize>o) << 2), best);
    }
  }
}

/**
 * The horizontal maxima of one bordered row `r` into `hv` and their input columns into `hc`
 * (starting at each window's first real column, `first`; a later tap wins only when strictly
 * greater).
 */
function rowMaxIndices(
  r: usize,
  kw: i32,
  sw: i32,
  pw: i32,
  dw: i32,
  wo4: i32,
  first: usize,
  hv: usize,
  hc: usize,
): void {
  const neg = f32x4.splat(-Infinity);
  const tapStep = (<usize>dw) << 2;
  const laneStep = (<usize>sw) << 2;
  const lanes = i32x4(0, sw, 2 * sw, 3 * sw);
  for (let o = 0; o < wo4; o += 4) {
    let best = neg;
    let at = v128.load(first + ((<usize>o) << 2));
    let q = r + ((<usize>(o * sw)) << 2);
    let col = o * sw - pw;
    for (let k = 0; k < kw; k++, q += tapStep, col += dw) {
      let v: v128;
      if (sw === 1) v = v128.load(q);
      else if (sw === 2) v = v128.shuffle<f32>(v128.load(q), v128.load(q, 16), 0, 2, 4, 6);
      else {
        v = f32x4.splat(load<f32>(q));
        v = f32x4.replace_lane(v, 1, load<f32>(q + laneStep));
        v = f32x4.replace_lane(v, 2, load<f32>(q + 2 * laneStep));
        v = f32x4.replace_lane(v, 3, load<f32>(q + 3 * laneStep));
      }
      const wins = f32x4.lt(best, v);
      best = v128.bitselect(v, best, wins);
      at = v128.bitselect(i32x4.add(lanes, i32x4.splat(col)), at, wins);
    }
    v128.store(hv + ((<usize>o) << 2), best);
    v128.store(hc + ((<usize>o) << 2), at);
  }
}

/**
 * Max-pools `planes` dense `h x w` float32 planes at `x` into `planes` dense `ho x wo` planes at
 * `out` (and, when `idx` is not 0, int32 argmax indices `(ih + rowOffset) * w + iw` at `idx`).
 * Windows start at `oh*sh - ph`, `ow*sw - pw` and are clipped to the plane; `work` holds
 * {@link maxPool2dWorkBytes} bytes. Each output row is written four floats at a time, so up to
 * three floats past the last output (and index) are overwritten.
 */
export function maxPool2dPlanes(
  x: usize,
  planes: i32,
  h: i32,
  w: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  ph: i32,
  pw: i32,
  dh: i32,
  dw: i32,
  ho: i32,
  wo: i32,
  out: usize,
  idx: usize,
  rowOffset: i32,
  work: usize,
): void {
  const wo4 = (wo + 3) & ~3;
  const rowLen = rowFloats(w, kw, sw, pw, dw, wo4);
  const row = work;
  const hv = row + <usize>align(rowLen << 2);
  const hc = hv + <usize>align((h * wo4) << 2);
  const first = hc + <usize>align((h * wo4) << 2);
  const hStride = (<usize>wo4) << 2;
  // -inf borders: only the interior is rewritten below.
  const neg = f32x4.splat(-Infinity);
  for (let i = 0; i < rowLen; i += 4) v128.store(row + ((<usize>i) << 2), neg);
  // Each window's first real column (-1: none, a dilated window entirely in the padding).
  let emptyColumns = false;
  if (idx !== 0) {
    for (let ow = 0; ow < wo4; ow++) {
      let iw0 = ow * sw - pw;
      const iw1 = min(iw0 + (kw - 1) * dw + 1, w);
      while (iw0 < 0) iw0 += dw;
      const none = iw0 >= iw1 && ow < wo;
      emptyColumns = emptyColumns || none;
      store<i32>(first + ((<usize>ow) << 2), none ? -1 : iw0);
    }
  }
  const inPlane = (<usize>h * <usize>w) << 2;
  const outPlane = (<usize>ho * <usize>wo) << 2;
  const interior = row + ((<usize>pw) << 2);
  for (let p = 0; p < planes; p++) {
    const xp = x + <usize>p * inPlane;
    const op = out + <usize>p * outPlane;
    const ip = idx === 0 ? 0 : idx + <usize>p * outPlane;
    // Horizontal maxima of every input row.
    let nan = i32x4.splat(0);
    for (let ih = 0; ih < h; ih++) {
      nan = v128.or(nan, copyRow(xp + ((<usize>ih * <usize>w) << 2), interior, w));
      const at = <usize>ih * hStride;
      if (idx === 0) rowMaxValues(row, kw, sw, dw, wo4, hv + at);
      else rowMaxIndices(row, kw, sw, pw, dw, wo4, first, hv + at, hc + at);
    }
    if (v128.any_true(nan)) {
      scalarPlane(xp, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, op, ip, rowOffset);
      continue;
    }
    // Vertical maxima over each window's rows.
    for (let oh = 0; oh < ho; oh++) {
      let ih0 = oh * sh - ph;
      const ih1 = min(ih0 + (kh - 1) * dh + 1, h);
      while (ih0 < 0) ih0 += dh;
      const o0 = (<usize>oh * <usize>wo) << 2;
      if (ih0 >= ih1) {
        // A dilated window entirely in the padding.
        for (let ow = 0; ow < wo; ow++) {
          store<f32>(op + o0 + ((<usize>ow) << 2), -Infinity);
          if (ip !== 0) store<i32>(ip + o0 + ((<usize>ow) << 2), -1);
        }
        continue;
      }
      if (ip === 0) {
        for (let o = 0; o < wo4; o += 4) {
          const c = (<usize>o) << 2;
          let best = neg;
          for (let ih = ih0; ih < ih1; ih += dh) best = f32x4.pmax(best, v128.load(hv + <usize>ih * hStride + c));
          v128.store(op + o0 + c, best);
        }
        continue;
      }
      const rowStep = i32x4.splat(dh * w);
      for (let o = 0; o < wo4; o += 4) {
        const c = (<usize>o) << 2;
        let best = neg;
        let base = i32x4.splat((ih0 + rowOffset) * w);
        let at = i32x4.add(base, v128.load(first + c));
        for (let ih = ih0; ih < ih1; ih += dh, base = i32x4.add(base, rowStep)) {
          const v = v128.load(hv + <usize>ih * hStride + c);
          const wins = f32x4.lt(best, v);
          best = v128.bitselect(v, best, wins);
          at = v128.bitselect(i32x4.add(base, v128.load(hc + <usize>ih * hStride + c)), at, wins);
        }
        v128.store(op + o0 + c, best);
        v128.store(ip + o0 + c, at);
      }
      if (emptyColumns) {
        for (let ow = 0; ow < wo; ow++) {
          if (load<i32>(first + ((<usize>ow) << 2)) < 0) store<i32>(ip + o0 + ((<usize>ow) << 2), -1);
        }
      }
    }
  }
}

// 3x3 windows, stride 2, no dilation, values only (ResNet's stem pool, the common CNN case), in one
// pass over each input row, with no bordered copy of the row. An input row's horizontal maxima
// (taps 2o-pw, 2o-pw+1, 2o-pw+2 in that order: the even lanes, the odd lanes, then the even lanes
// two columns on) are computed once; an output row is the maximum of rows 2*oh-ph, +1, +2 in that
// order, the first kept from the previous output row. Rows first keeps PyTorch's tap order, as the
// general kernel above (ties keep the first tap, so -0 before +0 stays -0). Blocks of four outputs
// read the row in place (the one-column left padding by a masked lane; loads may read one float
// past the row, never used); other edges go through a 12-float copy bordered with -inf. NaN is
// tested on every input the windows read; a plane holding one is redone by the scalar rule.

/** Floats of the bordered block copy: columns c0 .. c0+11 (the loads read up to c0+9). */
const BORDER_FLOATS = 12;

/** Bytes of scratch {@link maxPool3x3s2Planes} needs: three rows of `wo` maxima and the bordered block. */
export function maxPool3x3s2WorkBytes(wo: i32): i32 {
  const wo4 = (wo + 3) & ~3;
  return 3 * align(wo4 << 2) + align(BORDER_FLOATS << 2);
}

/** The maxima of taps c, c+1, c+2 for c = p, p+2, p+4, p+6 (floats from `p` to p+9 readable). */
function taps3s2(p: usize): v128 {
  const a = v128.load(p);
  const b = v128.load(p, 16);
  const left = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
  const mid = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
  const right = v128.shuffle<f32>(v128.load(p, 8), v128.load(p, 24), 0, 2, 4, 6);
  return f32x4.pmax(f32x4.pmax(left, mid), right);
}

/** Lanes of `v` that are NaN, or-ed into `nan`. */
function orNan(nan: v128, v: v128): v128 {
  return v128.or(nan, f32x4.ne(v, v));
}

/** Whether one of the `n` floats from `p` is NaN. */
function anyNan(p: usize, n: i32): bool {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(p + ((<usize>i) << 2));
    // biome-ignore lint/suspicious/noSelfCompare: NaN test
    if (v !== v) return true;
  }
  return false;
}

/**
 * Copies columns c0 .. c0+11 of `row` into `border`, -inf outside [0, w); returns whether a copied
 * input is NaN.
 */
function borderBlock(row: usize, c0: i32, w: i32, border: usize): bool {
  let nan = false;
  for (let i = 0; i < BORDER_FLOATS; i++) {
    const c = c0 + i;
    let v: f32 = -Infinity;
    if (c >= 0 && c < w) {
      v = load<f32>(row + ((<usize>c) << 2));
      // biome-ignore lint/suspicious/noSelfCompare: NaN test
      nan = nan || v !== v;
    }
    store<f32>(border + ((<usize>i) << 2), v);
  }
  return nan;
}

/**
 * The horizontal maxima of output block `o` (outputs o .. o+3) of one row outside the in-place
 * range: the padded first block, or a bordered copy. Returns non-zero lanes when an input it
 * covers is NaN.
 */
function edgeBlock(row: usize, o: i32, w: i32, pw: i32, border: usize, dst: usize): v128 {
  if (o === 0 && pw === 1 && w >= 8) {
    // One column of left padding: taps from column -1, whose float (before the row) is read but
    // replaced by -inf; columns 0..8 are read, 0..7 used (all NaN-tested here).
    const a = v128.load(row - 4);
    const b = v128.load(row, 12);
    const left = f32x4.replace_lane(v128.shuffle<f32>(a, b, 0, 2, 4, 6), 0, -Infinity);
    const mid = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
    const right = v128.shuffle<f32>(v128.load(row, 4), v128.load(row, 20), 0, 2, 4, 6);
    v128.store(dst, f32x4.pmax(f32x4.pmax(left, mid), right));
    return v128.or(v128.or(f32x4.ne(left, left), f32x4.ne(mid, mid)), f32x4.ne(right, right));
  }
  const nan = borderBlock(row, 2 * o - pw, w, border);
  v128.store(dst, taps3s2(border));
  return nan ? i32x4.splat(-1) : i32x4.splat(0);
}

/**
 * The horizontal maxima of one input row into `dst` (`wo` values, four at a time). Returns
 * non-zero lanes when an input the windows read is NaN.
 */
function rowMax3s2(row: usize, w: i32, pw: i32, wo: i32, oStart: i32, oEnd: i32, dst: usize, border: usize): v128 {
  let nan = i32x4.splat(0);
  let o = 0;
  for (; o < oStart && o < wo; o += 4) nan = v128.or(nan, edgeBlock(row, o, w, pw, border, dst + ((<usize>o) << 2)));
  for (; o < oEnd; o += 4) {
    const p = row + ((<usize>(2 * o - pw)) << 2);
    nan = orNan(orNan(nan, v128.load(p)), v128.load(p, 16));
    v128.store(dst + ((<usize>o) << 2), taps3s2(p));
  }
  // The last in-place block's rightmost tap (column c0+8) is no other block's.
  if (oEnd > oStart && anyNan(row + ((<usize>(2 * oEnd - pw)) << 2), min(1, w - (2 * oEnd - pw))))
    nan = i32x4.splat(-1);
  for (; o < wo; o += 4) nan = v128.or(nan, edgeBlock(row, o, w, pw, border, dst + ((<usize>o) << 2)));
  return nan;
}

/**
 * One output row from two input rows inside the plane: out = max(prev, H(row1), H(row2)) four
 * outputs at a time, H(row2) written over `prev` in place (`prevIn` is read: `prev` itself, or a
 * row of -inf above the plane). Returns non-zero lanes when an input read is NaN.
 */
function outputRow3s2(
  row1: usize,
  row2: usize,
  w: i32,
  pw: i32,
  wo: i32,
  oStart: i32,
  oEnd: i32,
  prevIn: usize,
  prev: usize,
  out: usize,
  border: usize,
  tmp: usize,
): v128 {
  let nan = i32x4.splat(0);
  let o = 0;
  for (; o < oStart && o < wo; o += 4) {
    const c = (<usize>o) << 2;
    nan = v128.or(nan, edgeBlock(row1, o, w, pw, border, tmp));
    const h1 = v128.load(tmp);
    nan = v128.or(nan, edgeBlock(row2, o, w, pw, border, tmp));
    const h2 = v128.load(tmp);
    v128.store(out + c, f32x4.pmax(f32x4.pmax(v128.load(prevIn + c), h1), h2));
    v128.store(prev + c, h2);
  }
  for (; o < oEnd; o += 4) {
    const c = (<usize>o) << 2;
    const col = (<usize>(2 * o - pw)) << 2;
    const p1 = row1 + col;
    const p2 = row2 + col;
    const a1 = v128.load(p1);
    const b1 = v128.load(p1, 16);
    const a2 = v128.load(p2);
    const b2 = v128.load(p2, 16);
    nan = v128.or(
      nan,
      v128.or(v128.or(f32x4.ne(a1, a1), f32x4.ne(b1, b1)), v128.or(f32x4.ne(a2, a2), f32x4.ne(b2, b2))),
    );
    const h1 = f32x4.pmax(
      f32x4.pmax(v128.shuffle<f32>(a1, b1, 0, 2, 4, 6), v128.shuffle<f32>(a1, b1, 1, 3, 5, 7)),
      v128.shuffle<f32>(v128.load(p1, 8), v128.load(p1, 24), 0, 2, 4, 6),
    );
    const h2 = f32x4.pmax(
      f32x4.pmax(v128.shuffle<f32>(a2, b2, 0, 2, 4, 6), v128.shuffle<f32>(a2, b2, 1, 3, 5, 7)),
      v128.shuffle<f32>(v128.load(p2, 8), v128.load(p2, 24), 0, 2, 4, 6),
    );
    v128.store(out + c, f32x4.pmax(f32x4.pmax(v128.load(prevIn + c), h1), h2));
    v128.store(prev + c, h2);
  }
  if (oEnd > oStart) {
    const last = 2 * oEnd - pw;
    const n = min(1, w - last);
    if (anyNan(row1 + ((<usize>last) << 2), n) || anyNan(row2 + ((<usize>last) << 2), n)) nan = i32x4.splat(-1);
  }
  for (; o < wo; o += 4) {
    const c = (<usize>o) << 2;
    nan = v128.or(nan, edgeBlock(row1, o, w, pw, border, tmp));
    const h1 = v128.load(tmp);
    nan = v128.or(nan, edgeBlock(row2, o, w, pw, border, tmp));
    const h2 = v128.load(tmp);
    v128.store(out + c, f32x4.pmax(f32x4.pmax(v128.load(prevIn + c), h1), h2));
    v128.store(prev + c, h2);
  }
  return nan;
}

/**
 * {@link maxPool2dPlanes} for 3x3 windows, stride 2, dilation 1 and no indices: max-pools `planes`
 * dense `h x w` float32 planes at `x` into dense `ho x wo` planes at `out`, windows starting at
 * `2*oh - ph`, `2*ow - pw`, clipped to the plane. `work` holds {@link maxPool3x3s2WorkBytes}
 * bytes. Each output row is written four floats at a time (up to three floats past the last
 * output are overwritten). Bit-identical to {@link maxPool2dPlanes}.
 */
export function maxPool3x3s2Planes(
  x: usize,
  planes: i32,
  h: i32,
  w: i32,
  ph: i32,
  pw: i32,
  ho: i32,
  wo: i32,
  out: usize,
  work: usize,
): void {
  const wo4 = (wo + 3) & ~3;
  const rowBytes = <usize>align(wo4 << 2);
  const neg = f32x4.splat(-Infinity);
  const negRow = work;
  const prev = work + rowBytes;
  const mid = prev + rowBytes;
  const border = mid + rowBytes;
  for (let o = 0; o < wo4; o += 4) v128.store(negRow + ((<usize>o) << 2), neg);
  // Blocks read in place: from the first whose leftmost tap is a real column (or the masked first
  // block with one column of padding) while the loads (up to column 2o - pw + 9) stay within one
  // float past the row.
  let oStart = 0;
  while (2 * oStart - pw < 0) oStart += 4;
  let oEnd = oStart;
  while (oEnd < wo && 2 * oEnd - pw + 9 <= w) oEnd += 4;
  const inPlane = (<usize>h * <usize>w) << 2;
  const outPlane = (<usize>ho * <usize>wo) << 2;
  const rowStride = (<usize>w) << 2;
  for (let p = 0; p < planes; p++) {
    const xp = x + <usize>p * inPlane;
    const op = out + <usize>p * outPlane;
    let nan = i32x4.splat(0);
    // `prevIn`: the horizontal maxima of each window's first row (negRow: above the plane).
    const r0 = -ph;
    let prevIn = negRow;
    if (r0 >= 0 && r0 < h) {
      nan = v128.or(nan, rowMax3s2(xp + <usize>r0 * rowStride, w, pw, wo, oStart, oEnd, prev, border));
      prevIn = prev;
    }
    for (let oh = 0; oh < ho; oh++) {
      const r = 2 * oh - ph;
      const o0 = op + <usize>oh * ((<usize>wo) << 2);
      if (r + 1 >= 0 && r + 2 < h) {
        const row1 = xp + <usize>(r + 1) * rowStride;
        const row2 = row1 + rowStride;
        nan = v128.or(nan, outputRow3s2(row1, row2, w, pw, wo, oStart, oEnd, prevIn, prev, o0, border, mid));
        prevIn = prev;
        continue;
      }
      // Rows above or below the plane: each valid row's maxima, then the column maxima.
      let h1 = negRow;
      let h2 = negRow;
      if (r + 1 >= 0 && r + 1 < h) {
        nan = v128.or(nan, rowMax3s2(xp + <usize>(r + 1) * rowStride, w, pw, wo, oStart, oEnd, mid, border));
        h1 = mid;
      }
      for (let o = 0; o < wo; o += 4) {
        const c = (<usize>o) << 2;
        v128.store(o0 + c, f32x4.pmax(v128.load(prevIn + c), v128.load(h1 + c)));
      }
      if (r + 2 >= 0 && r + 2 < h) {
        nan = v128.or(nan, rowMax3s2(xp + <usize>(r + 2) * rowStride, w, pw, wo, oStart, oEnd, prev, border));
        h2 = prev;
        for (let o = 0; o < wo; o += 4) {
          const c = (<usize>o) << 2;
          v128.store(o0 + c, f32x4.pmax(v128.load(o0 + c), v128.load(h2 + c)));
        }
      }
      prevIn = h2;
    }
    if (v128.any_true(nan)) scalarPlane(xp, h, w, 3, 3, 2, 2, ph, pw, 1, 1, ho, wo, op, 0, 0);
  }
}

/**
 * Sign-extends `n` int32 indices at `src` to int64 at `dst` (PyTorch's index dtype), four at a
 * time: up to three values past `n` are written (`dst` needs 24 bytes of slack).
 */
export function widenIndicesI64(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const v = v128.load(src + ((<usize>i) << 2));
    const d = dst + ((<usize>i) << 3);
    v128.store(d, i64x2.extend_low_i32x4_s(v));
    v128.store(d, i64x2.extend_high_i32x4_s(v), 16);
  }
}

// 3x3 windows, stride 2, no dilation, with indices: the rows of horizontal maxima carry the column
// of each maximum (the first tap holding it: a later tap wins only when strictly greater, as in
// rowMaxIndices), computed once per input row in place (edges lane by lane), then each output row
// folds its window's rows in order, starting from the window's first real tap as the general
// kernel does (so a window of -inf gives its first real tap's index).

/** Bytes of scratch {@link maxPool3x3s2IndicesPlanes} needs: three rows of maxima and columns, and the first columns. */
export function maxPool3x3s2IndicesWorkBytes(wo: i32): i32 {
  const wo4 = (wo + 3) & ~3;
  return 7 * align(wo4 << 2);
}

/**
 * The horizontal maxima of one input row and their columns into `dv` / `dc` (`wo` of each, four
 * at a time). Returns whether an input the windows read is NaN.
 */
function rowMaxIdx3s2(row: usize, w: i32, pw: i32, wo: i32, oStart: i32, oEnd: i32, dv: usize, dc: usize): bool {
  let nanV = i32x4.splat(0);
  let nan = false;
  for (let o = 0; o < wo; o += 4) {
    const c = (<usize>o) << 2;
    const c0 = 2 * o - pw;
    if (o >= oStart && o < oEnd) {
      const p = row + ((<usize>c0) << 2);
      const a = v128.load(p);
      const b = v128.load(p, 16);
      nanV = v128.or(nanV, v128.or(f32x4.ne(a, a), f32x4.ne(b, b)));
      const left = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
      const mid = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      const right = v128.shuffle<f32>(v128.load(p, 8), v128.load(p, 24), 0, 2, 4, 6);
      const cols = i32x4.add(i32x4.splat(c0), i32x4(0, 2, 4, 6));
      let best = left;
      let at = cols;
      let wins = f32x4.lt(best, mid);
      best = v128.bitselect(mid, best, wins);
      at = v128.bitselect(i32x4.add(cols, i32x4.splat(1)), at, wins);
      wins = f32x4.lt(best, right);
      best = v128.bitselect(right, best, wins);
      at = v128.bitselect(i32x4.add(cols, i32x4.splat(2)), at, wins);
      v128.store(dv + c, best);
      v128.store(dc + c, at);
      if (o + 4 >= oEnd) {
        // The last in-place block's rightmost tap (column c0+8) is no other block's.
        const last = c0 + 8;
        // biome-ignore lint/suspicious/noSelfCompare: NaN test
        if (last < w && load<f32>(row + ((<usize>last) << 2)) !== load<f32>(row + ((<usize>last) << 2))) nan = true;
      }
      continue;
    }
    if (o === 0 && pw === 1 && w >= 8) {
      // One column of left padding: taps from column -1, whose float (before the row) is read but
      // replaced by -inf; the first window starts at its real column 0. Columns 0..7 NaN-tested.
      const a = v128.load(row - 4);
      const b = v128.load(row, 12);
      const left = f32x4.replace_lane(v128.shuffle<f32>(a, b, 0, 2, 4, 6), 0, -Infinity);
      const mid = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      const right = v128.shuffle<f32>(v128.load(row, 4), v128.load(row, 20), 0, 2, 4, 6);
      nanV = v128.or(nanV, v128.or(v128.or(f32x4.ne(left, left), f32x4.ne(mid, mid)), f32x4.ne(right, right)));
      const cols = i32x4(-1, 1, 3, 5);
      let best = left;
      let at = i32x4(0, 1, 3, 5);
      let wins = f32x4.lt(best, mid);
      best = v128.bitselect(mid, best, wins);
      at = v128.bitselect(i32x4.add(cols, i32x4.splat(1)), at, wins);
      wins = f32x4.lt(best, right);
      best = v128.bitselect(right, best, wins);
      at = v128.bitselect(i32x4.add(cols, i32x4.splat(2)), at, wins);
      v128.store(dv + c, best);
      v128.store(dc + c, at);
      continue;
    }
    // Edge blocks lane by lane: taps outside [0, w) are padding and never win.
    for (let k = 0; k < 4; k++) {
      const ow = o + k;
      let best: f32 = -Infinity;
      let at = -1;
      for (let t = 0; t < 3; t++) {
        const col = 2 * ow - pw + t;
        if (col < 0 || col >= w) continue;
        const v = load<f32>(row + ((<usize>col) << 2));
        // biome-ignore lint/suspicious/noSelfCompare: NaN test
        if (v !== v) nan = true;
        if (at < 0) at = col;
        if (v > best) {
          best = v;
          at = col;
        }
      }
      store<f32>(dv + c + ((<usize>k) << 2), best);
      store<i32>(dc + c + ((<usize>k) << 2), at);
    }
  }
  return nan || v128.any_true(nanV);
}

/**
 * {@link maxPool2dPlanes} for 3x3 windows, stride 2 and dilation 1, with indices at `idx`
 * (`(ih + rowOffset) * w + iw`): the same values and indices, bit for bit. `work` holds
 * {@link maxPool3x3s2IndicesWorkBytes} bytes. Up to three floats (and indices) past the last
 * output are overwritten.
 */
export function maxPool3x3s2IndicesPlanes(
  x: usize,
  planes: i32,
  h: i32,
  w: i32,
  ph: i32,
  pw: i32,
  ho: i32,
  wo: i32,
  out: usize,
  idx: usize,
  rowOffset: i32,
  work: usize,
): void {
  const wo4 = (wo + 3) & ~3;
  const rowBytes = <usize>align(wo4 << 2);
  let pv = work;
  let pc = pv + rowBytes;
  const v1 = pc + rowBytes;
  const c1 = v1 + rowBytes;
  let v2 = c1 + rowBytes;
  let c2 = v2 + rowBytes;
  const first = c2 + rowBytes;
  // Each window's first real column (-1: none, a window entirely in the left or right padding).
  let emptyColumns = false;
  for (let ow = 0; ow < wo4; ow++) {
    const iw0 = max(0, 2 * ow - pw);
    const none = iw0 >= min(2 * ow - pw + 3, w) && ow < wo;
    emptyColumns = emptyColumns || none;
    store<i32>(first + ((<usize>ow) << 2), none ? -1 : iw0);
  }
  let oStart = 0;
  while (2 * oStart - pw < 0) oStart += 4;
  let oEnd = oStart;
  while (oEnd < wo && 2 * oEnd - pw + 9 <= w) oEnd += 4;
  const inPlane = (<usize>h * <usize>w) << 2;
  const outPlane = (<usize>ho * <usize>wo) << 2;
  const rowStride = (<usize>w) << 2;
  const neg = f32x4.splat(-Infinity);
  for (let p = 0; p < planes; p++) {
    const xp = x + <usize>p * inPlane;
    const op = out + <usize>p * outPlane;
    const ip = idx + <usize>p * outPlane;
    let nan = false;
    // The maxima of each window's first row (computed as the previous window's last row).
    let prevValid = false;
    const r0 = -ph;
    if (r0 >= 0 && r0 < h) {
      nan = rowMaxIdx3s2(xp + <usize>r0 * rowStride, w, pw, wo, oStart, oEnd, pv, pc) || nan;
      prevValid = true;
    }
    for (let oh = 0; oh < ho; oh++) {
      const r = 2 * oh - ph;
      const ok1 = r + 1 >= 0 && r + 1 < h;
      const ok2 = r + 2 >= 0 && r + 2 < h;
      if (ok1) nan = rowMaxIdx3s2(xp + <usize>(r + 1) * rowStride, w, pw, wo, oStart, oEnd, v1, c1) || nan;
      if (ok2) nan = rowMaxIdx3s2(xp + <usize>(r + 2) * rowStride, w, pw, wo, oStart, oEnd, v2, c2) || nan;
      const o0 = (<usize>oh * <usize>wo) << 2;
      // The window's first real row.
      const top = prevValid ? r : ok1 ? r + 1 : ok2 ? r + 2 : -1;
      if (top < 0) {
        for (let ow = 0; ow < wo; ow++) {
          store<f32>(op + o0 + ((<usize>ow) << 2), -Infinity);
          store<i32>(ip + o0 + ((<usize>ow) << 2), -1);
        }
      } else {
        const b0 = i32x4.splat((r + rowOffset) * w);
        const b1 = i32x4.splat((r + 1 + rowOffset) * w);
        const b2 = i32x4.splat((r + 2 + rowOffset) * w);
        const topBase = i32x4.splat((top + rowOffset) * w);
        // All three rows in the plane (every output row but the edges): the first row's maxima
        // and columns are the starting point (its column is the window's first real one when its
        // maximum is -inf, so this equals starting from -inf at the first real tap).
        const full = prevValid && ok1 && ok2;
        for (let o = 0; full && o < wo; o += 4) {
          const c = (<usize>o) << 2;
          let best = v128.load(pv + c);
          let at = i32x4.add(b0, v128.load(pc + c));
          let v = v128.load(v1 + c);
          let wins = f32x4.lt(best, v);
          best = v128.bitselect(v, best, wins);
          at = v128.bitselect(i32x4.add(b1, v128.load(c1 + c)), at, wins);
          v = v128.load(v2 + c);
          wins = f32x4.lt(best, v);
          best = v128.bitselect(v, best, wins);
          at = v128.bitselect(i32x4.add(b2, v128.load(c2 + c)), at, wins);
          v128.store(op + o0 + c, best);
          v128.store(ip + o0 + c, at);
        }
        for (let o = 0; !full && o < wo; o += 4) {
          const c = (<usize>o) << 2;
          let best = neg;
          let at = i32x4.add(topBase, v128.load(first + c));
          if (prevValid) {
            const v = v128.load(pv + c);
            const wins = f32x4.lt(best, v);
            best = v128.bitselect(v, best, wins);
            at = v128.bitselect(i32x4.add(b0, v128.load(pc + c)), at, wins);
          }
          if (ok1) {
            const v = v128.load(v1 + c);
            const wins = f32x4.lt(best, v);
            best = v128.bitselect(v, best, wins);
            at = v128.bitselect(i32x4.add(b1, v128.load(c1 + c)), at, wins);
          }
          if (ok2) {
            const v = v128.load(v2 + c);
            const wins = f32x4.lt(best, v);
            best = v128.bitselect(v, best, wins);
            at = v128.bitselect(i32x4.add(b2, v128.load(c2 + c)), at, wins);
          }
          v128.store(op + o0 + c, best);
          v128.store(ip + o0 + c, at);
        }
        if (emptyColumns) {
          for (let ow = 0; ow < wo; ow++) {
            if (load<i32>(first + ((<usize>ow) << 2)) < 0) store<i32>(ip + o0 + ((<usize>ow) << 2), -1);
          }
        }
      }
      // Row r+2 is the next window's first row: swap its buffers in.
      const tv = pv;
      const tc = pc;
      pv = v2;
      pc = c2;
      v2 = tv;
      c2 = tc;
      prevValid = ok2;
    }
    if (nan) scalarPlane(xp, h, w, 3, 3, 2, 2, ph, pw, 1, 1, ho, wo, op, ip, rowOffset);
  }
}
