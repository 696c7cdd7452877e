// conv2d forward and both gradients on the GPU against float64 references, over random geometries
// with every option; plus a geometry whose GEMM spans several 32x32 tiles and K steps.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { conv2dGeometryArb, seedArb } from '../test/arbitraries.js';
import { gpu, ranOn } from '../test/gpu.js';
import {
  mismatch,
  randomFloats,
  refConv2d,
  refConv2dBackwardInput,
  refConv2dBackwardWeight,
} from '../test/reference.js';
import { weightGradSplits } from './conv2d.js';
import {
  CONV2D_KERNELS,
  type Conv2dGeometry,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
  readback,
  upload,
} from './index.js';

const counts = (g: Conv2dGeometry) => ({
  x: g.batch * g.inChannels * g.inH * g.inW,
  w: g.outChannels * (g.inChannels / g.groups) * g.kh * g.kw,
  y: g.batch * g.outChannels * g.outH * g.outW,
});

async function checkAll(g: Conv2dGeometry, seed: number, withBias: boolean): Promise<void> {
  const n = counts(g);
  const x = randomFloats(n.x, seed);
  const w = randomFloats(n.w, seed + 1);
  const dy = randomFloats(n.y, seed + 2);
  const bias = withBias ? randomFloats(g.outChannels, seed + 3) : null;
  const [xb, wb, dyb] = [upload(gpu, x), upload(gpu, w), upload(gpu, dy)];
  const bb = bias ? upload(gpu, bias) : null;
  const geometry = JSON.stringify(g);

  const y = conv2dForward(xb, wb, bb, g);
  expect(ranOn(CONV2D_KERNELS.forward)).toBe(true);
  expect(mismatch(await readback(y), refConv2d(x, w, bias, g)), `forward ${geometry}`).toBeNull();

  const dx = conv2dBackwardInput(dyb, wb, g);
  expect(ranOn(CONV2D_KERNELS.backwardInput)).toBe(true);
  expect(mismatch(await readback(dx), refConv2dBackwardInput(dy, w, g)), `input grad ${geometry}`).toBeNull();

  const dw = conv2dBackwardWeight(dyb, xb, g);
  const tiles =
    Math.ceil(g.outChannels / g.groups / 32) * Math.ceil(((g.inChannels / g.groups) * g.kh * g.kw) / 32) * g.groups;
  const split = weightGradSplits(tiles, g.batch * g.outH * g.outW) > 1;
  expect(ranOn(split ? CONV2D_KERNELS.backwardWeightSplitK : CONV2D_KERNELS.backwardWeight)).toBe(true);
  expect(mismatch(await readback(dw), refConv2dBackwardWeight(dy, x, g)), `weight grad ${geometry}`).toBeNull();

  for (const b of [xb, wb, dyb, bb, y, dx, dw]) b?.release();
}

describe('conv2d on WebGPU matches the float64 definition', () => {
  test('random geometries: stride, asymmetric padding, dilation, groups, bias', async () => {
    await fc.assert(
      fc.asyncProperty(conv2dGeometryArb, seedArb, fc.boolean(), (g, seed, withBias) => checkAll(g, seed, withBias)),
      { numRuns: 40 },
    );
  });

  test('a problem spanning several tiles in M, N and K (LeNet conv2 with a batch of 2)', async () => {
    const g: Conv2dGeometry = {
      batch: 2,
      inChannels: 6,
      inH: 14,
      inW: 14,
      outChannels: 16,
      kh: 5,
      kw: 5,
      groups: 1,
      strideH: 1,
      strideW: 1,
      padTop: 0,
      padLeft: 0,
      dilationH: 1,
      dilationW: 1,
      outH: 10,
      outW: 10,
    };
    await checkAll(g, 7, true);
  });

  test('the weight gradient splits a long sum over batch and pixels (LeNet conv1, batch 4)', async () => {
    const g: Conv2dGeometry = {
      batch: 4,
      inChannels: 1,
      inH: 28,
      inW: 28,
      outChannels: 6,
      kh: 5,
      kw: 5,
      groups: 1,
      strideH: 1,
      strideW: 1,
      padTop: 0,
      padLeft: 0,
      dilationH: 1,
      dilationW: 1,
      outH: 24,
      outW: 24,
    };
    expect(weightGradSplits(1, 4 * 24 * 24)).toBe(9);
    await checkAll(g, 13, true);
    // Uneven slices and groups together: K = 2 * 17 * 19 = 646 in 2 slices, 2 groups.
    await checkAll(
      { ...g, batch: 2, inChannels: 2, outChannels: 4, groups: 2, inH: 21, inW: 23, outH: 17, outW: 19 },
      14,
      false,
    );
  });

  test('depthwise 3x3 with stride 2 and padding 1 (MobileNet)', async () => {
    const g: Conv2dGeometry = {
      batch: 1,
      inChannels: 8,
      inH: 9,
      inW: 9,
      outChannels: 8,
      kh: 3,
      kw: 3,
      groups: 8,
      strideH: 2,
      strideW: 2,
      padTop: 1,
      padLeft: 1,
      dilationH: 1,
      dilationW: 1,
      outH: 5,
      outW: 5,
    };
    await checkAll(g, 11, false);
  });
});
