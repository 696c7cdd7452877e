// Float32 conv2d weight gradient for small output images (ResNet's 14x14 and 7x7 stages) as one
// GEMM over the whole batch, every operand resident in linear memory:
//
//   dW (Cout x K) = dYt (Cout x N*L) @ cols^T (N*L x K)
//
// where cols[t, n*L + j] is the unfolded input (tap t = (c, i, j) of output position j of image n)
// and dYt[o, n*L + j] = dy[n, o, j]. With only L = Hout*Wout <= 256 positions per image, the
// direct 2 x 4 kernel (conv-backward.ts) and a GEMM per image both pass over all of dW once per
// image; one GEMM with k = N*L passes over it once per 256 positions (gemm.ts's k blocks).
// Phase 5 builds cols and dYt, one unit per image; phase 6 runs the GEMM, one unit per block of
// dW's columns (each element is summed over k in the same order whatever the block, so the result
// does not depend on the thread count). Groups = 1 only (the host declines others).
//
// The descriptor is an i32 array in linear memory laid out by src/conv-backward-weight-gemm.ts;
// field 30 is conv-backward.ts's phase (5 and 6 route conv2dBackwardWeightPart here).

import { sgemmPart } from './gemm';

const R_CIN = 0;
const R_COUT = 1;
const R_INH = 2;
const R_INW = 3;
const R_OUTH = 4;
const R_OUTW = 5;
const R_KH = 6;
const R_KW = 7;
const R_SH = 8;
const R_SW = 9;
const R_PT = 10;
const R_PL = 11;
const R_DH = 12;
const R_DW = 13;
/** Images (N). */
const R_BATCH = 14;
/** Byte addresses: staged x [N, Cin, H, W], staged dy [N, Cout, L], cols [K, N*L], dYt [Cout, N*L], dW [Cout, K]. */
const R_X = 15;
const R_DY = 16;
const R_COLS = 17;
const R_DYT = 18;
const R_DWO = 19;
/** Columns of dW per GEMM unit (a multiple of 8). */
const R_BLOCK = 20;
const R_PHASE = 30;

function field(desc: usize, i: i32): i32 {
  return load<i32>(desc + ((<usize>i) << 2));
}

/** Unfolds image n into its columns of cols and copies its dy rows into dYt. */
function unfoldImage(desc: usize, n: i32): void {
  const cin = field(desc, R_CIN);
  const cout = field(desc, R_COUT);
  const inH = field(desc, R_INH);
  const inW = field(desc, R_INW);
  const outH = field(desc, R_OUTH);
  const outW = field(desc, R_OUTW);
  const kh = field(desc, R_KH);
  const kw = field(desc, R_KW);
  const sh = field(desc, R_SH);
  const sw = field(desc, R_SW);
  const pt = field(desc, R_PT);
  const pl = field(desc, R_PL);
  const dh = field(desc, R_DH);
  const dw = field(desc, R_DW);
  const l = outH * outW;
  const nl = field(desc, R_BATCH) * l;
  const nlBytes = (<usize>nl) << 2;
  const lBytes = (<usize>l) << 2;
  const plane = inH * inW;
  const x = <usize>field(desc, R_X) + ((<usize>(n * cin * plane)) << 2);
  let dst = <usize>field(desc, R_COLS) + ((<usize>(n * l)) << 2);
  for (let c = 0; c < cin; c++) {
    const xc = x + ((<usize>(c * plane)) << 2);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        let d = dst;
        const shift = j * dw - pl;
        for (let oh = 0; oh < outH; oh++) {
          const ih = oh * sh + i * dh - pt;
          if (ih < 0 || ih >= inH) {
            memory.fill(d, 0, (<usize>outW) << 2);
          } else {
            const row = xc + ((<usize>(ih * inW)) << 2);
            for (let ow = 0; ow < outW; ow++) {
              const iw = ow * sw + shift;
              store<f32>(d + ((<usize>ow) << 2), iw >= 0 && iw < inW ? load<f32>(row + ((<usize>iw) << 2)) : 0);
            }
          }
          d += (<usize>outW) << 2;
        }
        dst += nlBytes;
      }
    }
  }
  const dy = <usize>field(desc, R_DY) + <usize>(n * cout) * lBytes;
  const dyt = <usize>field(desc, R_DYT) + ((<usize>(n * l)) << 2);
  for (let o = 0; o < cout; o++) memory.copy(dyt + <usize>o * nlBytes, dy + <usize>o * lBytes, lBytes);
}

/** Runs units [u0, u1): images to unfold (phase 5) or blocks of dW's columns (phase 6); `work` is the thread's GEMM workspace. */
export function conv2dBackwardWeightGemmPart(desc: usize, u0: i32, u1: i32, work: usize): void {
  if (field(desc, R_PHASE) === 5) {
    for (let n = u0; n < u1; n++) unfoldImage(desc, n);
    return;
  }
  const cout = field(desc, R_COUT);
  const k = field(desc, R_CIN) * field(desc, R_KH) * field(desc, R_KW);
  const nl = field(desc, R_BATCH) * field(desc, R_OUTH) * field(desc, R_OUTW);
  const block = field(desc, R_BLOCK);
  const cols = <usize>field(desc, R_COLS);
  const dyt = <usize>field(desc, R_DYT);
  const dwo = <usize>field(desc, R_DWO);
  for (let u = u0; u < u1; u++) {
    const j0 = u * block;
    const j1 = min(k, j0 + block);
    sgemmPart(false, true, 0, cout, j0, j1, nl, 1, dyt, nl, cols, nl, 0, dwo, k, work);
  }
}
