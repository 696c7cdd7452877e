// im2col + GEMM conv2d kernels, per image and per group:
//   forward:         out_g [Cout/g, L]  = W_g [Cout/g, K] @ cols [K, L]        (K = Cin/g*kh*kw, L = Hout*Wout)
//   backward input:  dcols [K, L]       = W_g^T @ dy_g [Cout/g, L], then col2im adds dcols into dx
//   backward weight: dW_g [Cout/g, K] += dy_g @ cols^T
// When the unfold is the identity (1x1 kernel, stride 1, no padding) the image itself is `cols`.

import { gemm } from '@torchlet/tensor';
import { col2imRaw, im2colRaw, type WindowGeometry } from '../im2col/raw.js';
import type { FloatStorage } from '../params.js';
import type { ConvGeometry } from './params.js';
import { scratchLike } from './scratch.js';

function windowOf(g: ConvGeometry): WindowGeometry {
  return {
    channels: g.inChannels / g.groups,
    inH: g.inH,
    inW: g.inW,
    kh: g.kh,
    kw: g.kw,
    strideH: g.strideH,
    strideW: g.strideW,
    padTop: g.padTop,
    padLeft: g.padLeft,
    dilationH: g.dilationH,
    dilationW: g.dilationW,
    outH: g.outH,
    outW: g.outW,
  };
}

function isIdentityUnfold(g: ConvGeometry): boolean {
  return (
    g.kh === 1 &&
    g.kw === 1 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    g.outH === g.inH &&
    g.outW === g.inW
  );
}

/** `out = conv2d(x, w) + bias`; `out` is fully overwritten. */
export function im2colForward(
  g: ConvGeometry,
  x: FloatStorage,
  w: FloatStorage,
  bias: FloatStorage | null,
  out: FloatStorage,
): void {
  const win = windowOf(g);
  const cinG = win.channels;
  const coutG = g.outChannels / g.groups;
  const K = cinG * g.kh * g.kw;
  const L = g.outH * g.outW;
  const plane = g.inH * g.inW;
  const identity = isIdentityUnfold(g);
  const cols = identity ? x : scratchLike(x, K * L);
  for (let n = 0; n < g.batch; n++) {
    for (let gi = 0; gi < g.groups; gi++) {
      const xOff = (n * g.inChannels + gi * cinG) * plane;
      if (!identity) im2colRaw(x, xOff, win, cols, 0);
      const oOff = (n * g.outChannels + gi * coutG) * L;
      if (bias !== null) {
        for (let oc = 0; oc < coutG; oc++) out.fill(bias[gi * coutG + oc], oOff + oc * L, oOff + (oc + 1) * L);
      }
      gemm(
        false,
        false,
        coutG,
        L,
        K,
        1,
        w,
        gi * coutG * K,
        K,
        cols,
        identity ? xOff : 0,
        L,
        bias === null ? 0 : 1,
        out,
        oOff,
        L,
      );
    }
  }
}

/** `dx += conv2d's input gradient for upstream dy`; `dx` must start zeroed. */
export function im2colBackwardInput(g: ConvGeometry, dy: FloatStorage, w: FloatStorage, dx: FloatStorage): void {
  const win = windowOf(g);
  const cinG = win.channels;
  const coutG = g.outChannels / g.groups;
  const K = cinG * g.kh * g.kw;
  const L = g.outH * g.outW;
  const plane = g.inH * g.inW;
  const identity = isIdentityUnfold(g);
  const dcols = identity ? dx : scratchLike(dx, K * L);
  for (let n = 0; n < g.batch; n++) {
    for (let gi = 0; gi < g.groups; gi++) {
      const xOff = (n * g.inChannels + gi * cinG) * plane;
      const dyOff = (n * g.outChannels + gi * coutG) * L;
      gemm(
        true,
        false,
        K,
        L,
        coutG,
        1,
        w,
        gi * coutG * K,
        K,
        dy,
        dyOff,
        L,
        identity ? 1 : 0,
        dcols,
        identity ? xOff : 0,
        L,
      );
      if (!identity) col2imRaw(dcols, 0, win, dx, xOff);
    }
  }
}

/** `dw = conv2d's weight gradient for upstream dy and input x`; `dw` is fully overwritten. */
export function im2colBackwardWeight(g: ConvGeometry, dy: FloatStorage, x: FloatStorage, dw: FloatStorage): void {
  const win = windowOf(g);
  const cinG = win.channels;
  const coutG = g.outChannels / g.groups;
  const K = cinG * g.kh * g.kw;
  const L = g.outH * g.outW;
  const plane = g.inH * g.inW;
  const identity = isIdentityUnfold(g);
  const cols = identity ? x : scratchLike(x, K * L);
  if (g.batch === 0) dw.fill(0, 0, g.outChannels * K);
  for (let n = 0; n < g.batch; n++) {
    for (let gi = 0; gi < g.groups; gi++) {
      const xOff = (n * g.inChannels + gi * cinG) * plane;
      if (!identity) im2colRaw(x, xOff, win, cols, 0);
      const dyOff = (n * g.outChannels + gi * coutG) * L;
      gemm(
        false,
        true,
        coutG,
        K,
        L,
        1,
        dy,
        dyOff,
        L,
        cols,
        identity ? xOff : 0,
        L,
        n === 0 ? 0 : 1,
        dw,
        gi * coutG * K,
        K,
      );
    }
  }
}
