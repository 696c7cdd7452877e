// Float32 Winograd F(2x2, 3x3) conv2d forward for WebAssembly 128-bit SIMD: dense 3x3 filters,
// stride 1, dilation 1, groups 1, any padding (Lavin & Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2015). Each 2x2 block of outputs (a tile) is computed from the 4x4 input
// window under it (windows overlap by 2) as
//
//   Y = A^T [ sum_c (G g_c G^T) . (B^T d_c B) ] A      (. is the elementwise product)
//
// so the 36 multiplies of a 2x2 block per channel pair become 16, and the sum over input channels
// is 16 independent GEMMs, one per position xi of the 4x4 transformed tile:
//   M_xi [Cout x tiles] = U_xi [Cout x Cin] @ V_xi [Cin x tiles].
//
//   B^T = | 1  0 -1  0 |     G = | 1    0    0  |     A^T = | 1  1  1  0 |
//         | 0  1  1  0 |         | 1/2  1/2  1/2|           | 0  1 -1 -1 |
//         | 0 -1  1  0 |         | 1/2 -1/2  1/2|
//         | 0  1  0 -1 |         | 0    0    1  |
//
// Work is cut into units of (image, block of TB tiles in row-major order). One unit, on one
// thread, transforms its tiles' inputs into V (in its own scratch, already in the layout the
// micro-kernel reads), runs the 16 GEMMs into M (its scratch too), then transforms M into the
// output (NCHW, bias and the fused activation applied in registers). TB is chosen by the host so
// that V and M of a unit stay in L2. Units write disjoint outputs, so threads may take any of them
// and the result does not depend on the thread count.
//
// The input is staged per image at the start of its slot of a zero-bordered buffer and padded in
// place with conv.ts's conv2dPadPart (the descriptor's fields 0 to 19 follow conv.ts's layout).
// The transformed weights U are written once by winogradPrepare (unless the host's weight cache
// holds them), in 4-row slivers per xi: U[xi][oc / 4][c][oc % 4] (Cout rounded up to 4 with zeros).

import { microKernel4x8 } from './gemm';

// Field 0 holds the images per chunk (host side only).
const D_CIN = 1;
const D_COUT = 4;
const D_OUTH = 14;
const D_OUTW = 15;
const D_HP = 16;
const D_WP = 17;
const D_XPAD = 19;
const D_WRAW = 20;
const D_WPACK = 21;
const D_BIAS = 22;
const D_OUT = 23;
/** Non-zero: the transformed weights at D_WPACK are already in place (cached). */
const D_PACKED = 24;
const D_ACT = 25;
const D_ACT_LO = 26;
const D_ACT_HI = 27;
const D_TILES_H = 28;
const D_TILES_W = 29;
/** Tiles per unit (a multiple of 8). */
const D_TB = 30;
/** Units per image (ceil(tilesH * tilesW / TB)). */
const D_BLOCKS = 31;

const ACT_NONE: i32 = 0;
const ACT_RELU: i32 = 1;

function field(desc: usize, i: i32): i32 {
  return load<i32>(desc + ((<usize>i) << 2));
}

/** Cout rounded up to the micro-kernel's 4 rows. */
function coutPadded(desc: usize): i32 {
  return (field(desc, D_COUT) + 3) & ~3;
}

/** Bytes of per-thread scratch winogradForwardPart needs: V and M of one unit, and 4 staging vectors. */
export function winogradWorkBytes(desc: usize): i32 {
  const tb = field(desc, D_TB);
  return 64 * tb * (field(desc, D_CIN) + coutPadded(desc)) + 256;
}

/**
 * Writes the transformed weights U = G g G^T of every (oc, c) pair into the sliver layout, unless
 * the descriptor says they are in place. Computed in float64 and rounded once to float32.
 */
export function winogradPrepare(desc: usize): void {
  if (field(desc, D_PACKED) !== 0) return;
  const cin = field(desc, D_CIN);
  const cout = field(desc, D_COUT);
  const coutp = coutPadded(desc);
  const wraw = <usize>field(desc, D_WRAW);
  const wpack = <usize>field(desc, D_WPACK);
  // U[xi] is coutp x cin floats; sliver (oc / 4) starts at (oc / 4) * cin * 4 within it.
  const xiBytes = (<usize>(coutp * cin)) << 2;
  for (let oc = 0; oc < coutp; oc++) {
    for (let c = 0; c < cin; c++) {
      const dst = wpack + ((<usize>(((oc >> 2) * cin + c) * 4 + (oc & 3))) << 2);
      if (oc >= cout) {
        for (let xi = 0; xi < 16; xi++) store<f32>(dst + <usize>xi * xiBytes, 0);
        continue;
      }
      const g = wraw + ((<usize>((oc * cin + c) * 9)) << 2);
      const g0 = <f64>load<f32>(g, 0);
      const g1 = <f64>load<f32>(g, 4);
      const g2 = <f64>load<f32>(g, 8);
      const g3 = <f64>load<f32>(g, 12);
      const g4 = <f64>load<f32>(g, 16);
      const g5 = <f64>load<f32>(g, 20);
      const g6 = <f64>load<f32>(g, 24);
      const g7 = <f64>load<f32>(g, 28);
      const g8 = <f64>load<f32>(g, 32);
      // Row r of G g (4 rows x 3 columns): a combination of the kernel's rows.
      for (let r = 0; r < 4; r++) {
        let a: f64;
        let b: f64;
        let e: f64;
        if (r === 0) {
          a = g0;
          b = g1;
          e = g2;
        } else if (r === 1) {
          a = 0.5 * (g0 + g3 + g6);
          b = 0.5 * (g1 + g4 + g7);
          e = 0.5 * (g2 + g5 + g8);
        } else if (r === 2) {
          a = 0.5 * (g0 - g3 + g6);
          b = 0.5 * (g1 - g4 + g7);
          e = 0.5 * (g2 - g5 + g8);
        } else {
          a = g6;
          b = g7;
          e = g8;
        }
        // Row r of (G g) G^T.
        const base = dst + <usize>(r * 4) * xiBytes;
        store<f32>(base, <f32>a);
        store<f32>(base + xiBytes, <f32>(0.5 * (a + b + e)));
        store<f32>(base + 2 * xiBytes, <f32>(0.5 * (a - b + e)));
        store<f32>(base + 3 * xiBytes, <f32>e);
      }
    }
  }
}

/**
 * One row of a 4-tile group's input windows times B (columns): the row's 4 values of each of 4
 * tiles, lane t = tile t, as e0 = d0 - d2, e1 = d1 + d2, e2 = d2 - d1, e3 = d1 - d3, stored as 4
 * vectors at `dst`. `p` is the row's first value for tile 0; the tiles are 2 apart (the SIMD path).
 */
export function rowTimesB(p: usize, dst: usize): void {
  const l0 = v128.load(p);
  const l1 = v128.load(p, 16);
  const l2 = v128.load(p, 8);
  const l3 = v128.load(p, 24);
  const d0 = v128.shuffle<f32>(l0, l1, 0, 2, 4, 6);
  const d1 = v128.shuffle<f32>(l0, l1, 1, 3, 5, 7);
  const d2 = v128.shuffle<f32>(l2, l3, 0, 2, 4, 6);
  const d3 = v128.shuffle<f32>(l2, l3, 1, 3, 5, 7);
  v128.store(dst, f32x4.sub(d0, d2));
  v128.store(dst, f32x4.add(d1, d2), 16);
  v128.store(dst, f32x4.sub(d2, d1), 32);
  v128.store(dst, f32x4.sub(d1, d3), 48);
}

/** Lane t = the float at `p_t + o` (the gather path: tiles not 2 apart, or past the last tile). */
function gather4(p0: usize, p1: usize, p2: usize, p3: usize, o: usize): v128 {
  let v = f32x4.splat(load<f32>(p0 + o));
  v = f32x4.replace_lane(v, 1, load<f32>(p1 + o));
  v = f32x4.replace_lane(v, 2, load<f32>(p2 + o));
  return f32x4.replace_lane(v, 3, load<f32>(p3 + o));
}

/** rowTimesB for 4 tiles whose row starts are `p0..p3`. */
export function rowTimesBGather(p0: usize, p1: usize, p2: usize, p3: usize, dst: usize): void {
  const d0 = gather4(p0, p1, p2, p3, 0);
  const d1 = gather4(p0, p1, p2, p3, 4);
  const d2 = gather4(p0, p1, p2, p3, 8);
  const d3 = gather4(p0, p1, p2, p3, 12);
  v128.store(dst, f32x4.sub(d0, d2));
  v128.store(dst, f32x4.add(d1, d2), 16);
  v128.store(dst, f32x4.sub(d2, d1), 32);
  v128.store(dst, f32x4.sub(d1, d3), 48);
}

/**
 * B^T applied to the 4 rows times B staged at `e` (16 vectors, row-major), written to the 16
 * panels of V: position xi = 4i + j goes to `v + xi * xiBytes`.
 */
export function columnsTimesBt(e: usize, v: usize, xiBytes: usize): void {
  for (let j: usize = 0; j < 4; j++) {
    const e0 = v128.load(e + (j << 4));
    const e1 = v128.load(e + (j << 4), 64);
    const e2 = v128.load(e + (j << 4), 128);
    const e3 = v128.load(e + (j << 4), 192);
    v128.store(v + j * xiBytes, f32x4.sub(e0, e2));
    v128.store(v + (4 + j) * xiBytes, f32x4.add(e1, e2));
    v128.store(v + (8 + j) * xiBytes, f32x4.sub(e2, e1));
    v128.store(v + (12 + j) * xiBytes, f32x4.sub(e1, e3));
  }
}

/**
 * B^T d B for every input channel of 4 tiles of one image: tiles [j, j + count) (count <= 4) of a
 * grid `tilesW` tiles wide whose 4x4 windows lie in the padded planes at `xImg` (`planeBytes`
 * apart, rows `wpBytes`). Lanes past `count` read the window at `fallbackAt` (finite data whose
 * results the caller never uses). Channel c's 16 values go to `dst + c * cStride`, value xi
 * `xiBytes` after value 0 (see {@link columnsTimesBt}); `stage` is 256 bytes of scratch. Four tiles
 * side by side in one row of the grid load as vectors; others are gathered lane by lane.
 */
export function inputTransform4(
  xImg: usize,
  j: i32,
  count: i32,
  tilesW: i32,
  wpBytes: usize,
  planeBytes: usize,
  cin: i32,
  fallbackAt: usize,
  dst: usize,
  cStride: usize,
  xiBytes: usize,
  stage: usize,
): void {
  const th = j / tilesW;
  const tw = j - th * tilesW;
  if (count === 4 && tw + 4 <= tilesW) {
    const at = xImg + <usize>(2 * th) * wpBytes + ((<usize>(2 * tw)) << 2);
    for (let c = 0; c < cin; c++) {
      const p = at + <usize>c * planeBytes;
      rowTimesB(p, stage);
      rowTimesB(p + wpBytes, stage + 64);
      rowTimesB(p + 2 * wpBytes, stage + 128);
      rowTimesB(p + 3 * wpBytes, stage + 192);
      columnsTimesBt(stage, dst + <usize>c * cStride, xiBytes);
    }
    return;
  }
  let p0 = fallbackAt;
  let p1 = fallbackAt;
  let p2 = fallbackAt;
  let p3 = fallbackAt;
  for (let l = 0; l < count; l++) {
    const jl = j + l;
    const thl = jl / tilesW;
    const at = xImg + <usize>(2 * thl) * wpBytes + ((<usize>(2 * (jl - thl * tilesW))) << 2);
    if (l === 0) p0 = at;
    else if (l === 1) p1 = at;
    else if (l === 2) p2 = at;
    else p3 = at;
  }
  for (let c = 0; c < cin; c++) {
    const o = <usize>c * planeBytes;
    for (let i: usize = 0; i < 4; i++) {
      const r = o + i * wpBytes;
      rowTimesBGather(p0 + r, p1 + r, p2 + r, p3 + r, stage + (i << 6));
    }
    columnsTimesBt(stage, dst + <usize>c * cStride, xiBytes);
  }
}

/**
 * The 4 x 8 micro-kernel: `out[r][0..7] = sum_p a[p][r] * b[p][0..7]` for the 4 rows of a U sliver
 * (`pa`, [p][4]) and an 8-tile V panel (`pb`, [p][8]), stored (not added) with rows `ldOut` bytes
 * apart: gemm.ts's body.
 */
function microKernel(kc: i32, pa: usize, pb: usize, out: usize, ldOut: usize): void {
  microKernel4x8(kc, pa, pb, out, ldOut, false);
}

/** The fused activation on a vector (ReLU: `x <= 0 ? 0 : x`, NaN stays; clamp: min(max(x, lo), hi)). */
function activate(act: i32, x: v128, lo: v128, hi: v128): v128 {
  if (act === ACT_NONE) return x;
  if (act === ACT_RELU) return v128.andnot(x, f32x4.le(x, f32x4.splat(0)));
  return f32x4.min(f32x4.max(x, lo), hi);
}

/**
 * Computes units [u0, u1) of the forward pass, unit u = image u / blocks, tiles
 * [(u % blocks) * TB, +TB) of its tilesH x tilesW grid (row-major); `work` is this thread's
 * winogradWorkBytes of scratch. Each unit writes only its own tiles' outputs.
 */
export function winogradForwardPart(desc: usize, u0: i32, u1: i32, work: usize): void {
  const cin = field(desc, D_CIN);
  const cout = field(desc, D_COUT);
  const coutp = coutPadded(desc);
  const outH = field(desc, D_OUTH);
  const outW = field(desc, D_OUTW);
  const hp = field(desc, D_HP);
  const wp = field(desc, D_WP);
  const xpad = <usize>field(desc, D_XPAD);
  const wpack = <usize>field(desc, D_WPACK);
  const bias = <usize>field(desc, D_BIAS);
  const out = <usize>field(desc, D_OUT);
  const act = field(desc, D_ACT);
  const lo = f32x4.splat(reinterpret<f32>(field(desc, D_ACT_LO)));
  const hi = f32x4.splat(reinterpret<f32>(field(desc, D_ACT_HI)));
  const tilesH = field(desc, D_TILES_H);
  const tilesW = field(desc, D_TILES_W);
  const tb = field(desc, D_TB);
  const blocks = field(desc, D_BLOCKS);
  const tiles = tilesH * tilesW;
  const wpBytes = (<usize>wp) << 2;
  const planeBytes = (<usize>(hp * wp)) << 2;
  const outPlaneBytes = (<usize>(outH * outW)) << 2;
  const outWBytes = (<usize>outW) << 2;
  // Scratch: V [16][tb / 8][cin][8], M [16][coutp][tb], then 16 staging vectors.
  const vAt = work;
  const vXiBytes = (<usize>(tb * cin)) << 2;
  const mAt = vAt + 16 * vXiBytes;
  const mRowBytes = (<usize>tb) << 2;
  const mXiBytes = <usize>coutp * mRowBytes;
  const stage = mAt + 16 * mXiBytes;
  const uXiBytes = (<usize>(coutp * cin)) << 2;
  const panelBytes = (<usize>cin) << 5;
  for (let u = u0; u < u1; u++) {
    const n = u / blocks;
    const t0 = (u % blocks) * tb;
    const nt = min(tb, tiles - t0);
    const panels = (nt + 7) >> 3;
    const xImg = xpad + <usize>(n * cin) * planeBytes;
    const outImg = out + <usize>(n * cout) * outPlaneBytes;
    // Tiles past the last one (lanes of the last panel) read the block's first tile: finite data
    // whose columns of M are never written out.
    const thFirst = t0 / tilesW;
    const firstAt = xImg + <usize>(2 * thFirst) * wpBytes + ((<usize>(2 * (t0 - thFirst * tilesW))) << 2);

    // 1. Input transform: V[xi][q / 8][c][q % 8] for every 4-tile group q of the unit.
    for (let q = 0; q < panels << 3; q += 4) {
      const j = t0 + q;
      const vq = vAt + ((<usize>((q >> 3) * cin)) << 5) + ((<usize>(q & 7)) << 2);
      inputTransform4(xImg, j, min(4, nt - q), tilesW, wpBytes, planeBytes, cin, firstAt, vq, 32, vXiBytes, stage);
    }

    // 2. The 16 GEMMs: M[xi][oc][t] = sum_c U[xi][oc][c] * V[xi][c][t].
    for (let xi = 0; xi < 16; xi++) {
      const uXi = wpack + <usize>xi * uXiBytes;
      const vXi = vAt + <usize>xi * vXiBytes;
      const mXi = mAt + <usize>xi * mXiBytes;
      for (let oc = 0; oc < coutp; oc += 4) {
        const pa = uXi + <usize>oc * ((<usize>cin) << 2);
        const mo = mXi + <usize>oc * mRowBytes;
        for (let pn = 0; pn < panels; pn++) {
          microKernel(cin, pa, vXi + <usize>pn * panelBytes, mo + ((<usize>pn) << 5), mRowBytes);
        }
      }
    }

    // 3. Output transform: Y = A^T M A + bias, activated, for every 4-tile group and channel.
    for (let q = 0; q < nt; q += 4) {
      const j = t0 + q;
      const th = j / tilesW;
      const tw = j - th * tilesW;
      const simd = q + 4 <= nt && tw + 4 <= tilesW && 2 * tw + 8 <= outW && 2 * th + 2 <= outH;
      for (let oc = 0; oc < cout; oc++) {
        const m = mAt + <usize>oc * mRowBytes + ((<usize>q) << 2);
        // m A per row i: f_i0 = m_i0 + m_i1 + m_i2, f_i1 = m_i1 - m_i2 - m_i3.
        let m0 = v128.load(m);
        let m1 = v128.load(m + mXiBytes);
        let m2 = v128.load(m + 2 * mXiBytes);
        let m3 = v128.load(m + 3 * mXiBytes);
        const f00 = f32x4.add(f32x4.add(m0, m1), m2);
        const f01 = f32x4.sub(f32x4.sub(m1, m2), m3);
        m0 = v128.load(m + 4 * mXiBytes);
        m1 = v128.load(m + 5 * mXiBytes);
        m2 = v128.load(m + 6 * mXiBytes);
        m3 = v128.load(m + 7 * mXiBytes);
        const f10 = f32x4.add(f32x4.add(m0, m1), m2);
        const f11 = f32x4.sub(f32x4.sub(m1, m2), m3);
        m0 = v128.load(m + 8 * mXiBytes);
        m1 = v128.load(m + 9 * mXiBytes);
        m2 = v128.load(m + 10 * mXiBytes);
        m3 = v128.load(m + 11 * mXiBytes);
        const f20 = f32x4.add(f32x4.add(m0, m1), m2);
        const f21 = f32x4.sub(f32x4.sub(m1, m2), m3);
        m0 = v128.load(m + 12 * mXiBytes);
        m1 = v128.load(m + 13 * mXiBytes);
        m2 = v128.load(m + 14 * mXiBytes);
        m3 = v128.load(m + 15 * mXiBytes);
        const f30 = f32x4.add(f32x4.add(m0, m1), m2);
        const f31 = f32x4.sub(f32x4.sub(m1, m2), m3);
        const b = f32x4.splat(bias !== 0 ? load<f32>(bias + ((<usize>oc) << 2)) : 0);
        // A^T (m A): y0c = f0c + f1c + f2c, y1c = f1c - f2c - f3c.
        const y00 = activate(act, f32x4.add(f32x4.add(f32x4.add(f00, f10), f20), b), lo, hi);
        const y01 = activate(act, f32x4.add(f32x4.add(f32x4.add(f01, f11), f21), b), lo, hi);
        const y10 = activate(act, f32x4.add(f32x4.sub(f32x4.sub(f10, f20), f30), b), lo, hi);
        const y11 = activate(act, f32x4.add(f32x4.sub(f32x4.sub(f11, f21), f31), b), lo, hi);
        const plane = outImg + <usize>oc * outPlaneBytes;
        if (simd) {
          const row0 = plane + <usize>(2 * th) * outWBytes + ((<usize>(2 * tw)) << 2);
          v128.store(row0, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5));
          v128.store(row0, v128.shuffle<f32>(y00, y01, 2, 6, 3, 7), 16);
          const row1 = row0 + outWBytes;
          v128.store(row1, v128.shuffle<f32>(y10, y11, 0, 4, 1, 5));
          v128.store(row1, v128.shuffle<f32>(y10, y11, 2, 6, 3, 7), 16);
        } else {
          v128.store(stage, y00);
          v128.store(stage, y01, 16);
          v128.store(stage, y10, 32);
          v128.store(stage, y11, 48);
          for (let l = 0; l < 4 && q + l < nt; l++) {
            const jl = j + l;
            const thl = jl / tilesW;
            const twl = jl - thl * tilesW;
            const oh = 2 * thl;
            const ow = 2 * twl;
            const s = stage + ((<usize>l) << 2);
            const o = plane + <usize>oh * outWBytes + ((<usize>ow) << 2);
            store<f32>(o, load<f32>(s));
            if (ow + 1 < outW) store<f32>(o, load<f32>(s, 16), 4);
            if (oh + 1 < outH) {
              store<f32>(o + outWBytes, load<f32>(s, 32));
              if (ow + 1 < outW) store<f32>(o + outWBytes, load<f32>(s, 48), 4);
            }
          }
        }
      }
    }
  }
}

/**
 * 1 when the `n` floats at `p` are all finite, else 0 (an infinity or NaN would spread through the
 * transforms to outputs that do not read it, where the direct sum keeps them finite or infinite).
 */
export function winogradAllFinite(p: usize, n: i32): i32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p + ((<usize>i) << 2));
    // v - v is 0 for a finite value, NaN for an infinity or NaN.
    acc = f32x4.add(acc, f32x4.sub(v, v));
  }
  let tail: f32 = 0;
  for (; i < n; i++) {
    const v = load<f32>(p + ((<usize>i) << 2));
    tail += v - v;
  }
  // NaN compares unequal to 0; the sums of finite values stay exactly 0.
  return !v128.any_true(f32x4.ne(acc, f32x4.splat(0))) && tail === 0 ? 1 : 0;
}
