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
