// The playground's computations in Node: the book's images, the kernels, and the learning loop
// against PyTorch's recorded float32 run (tools/test-utils/golden/d2l.json).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conv2d } from '@torchlet/ops';
import { tensor } from '@torchlet/tensor';
import { describe, expect, test } from 'vitest';
import { cellColors, contrast, divergingColor, greyColor, textOn } from '../.vitepress/theme/playground/colors.ts';
import {
  BIG,
  backendCheck,
  backendStatus,
  checkInputs,
  checksum,
  convolve,
  correlate,
  diagonalImage,
  directionalKernel,
  edgeImage,
  kernel,
  learnKernel,
  outputSize,
  outputSizeFormula,
  outputsReading,
  parseKernel,
  receptiveWindow,
  referenceCheck,
} from '../.vitepress/theme/playground/logic.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
interface GT {
  shape: number[];
  data: number[];
}
const d2l = JSON.parse(readFileSync(join(repoRoot, 'tools/test-utils/golden/d2l.json'), 'utf8')).cases as {
  edge: { X: GT; Y: GT };
  diagonal: { X: GT; Y: GT };
  learn_kernel: { init: number[][]; lr: number; epochs: number; loss_per_epoch: number[]; final_weight: GT }[];
};

describe('playground logic', () => {
  test('the images are the book’s', () => {
    expect(edgeImage().flat()).toEqual(d2l.edge.X.data);
    expect(diagonalImage().flat()).toEqual(d2l.diagonal.X.data);
  });

  test('correlate gives the book’s outputs and explains kernels that do not fit', () => {
    const Y = correlate(edgeImage(), kernel('edge'));
    expect('Y' in Y && Y.Y.flat()).toEqual(d2l.edge.Y.data);
    const bad = correlate([[1, 2]], kernel('laplacian'));
    expect('error' in bad && bad.error).toMatch(/^corr2d: /);
  });

  test('directional kernels: 0° is Sobel Gx, 90° is Gy', () => {
    expect(directionalKernel(0)).toEqual([
      [-1, 0, 1],
      [-2, 0, 2],
      [-1, 0, 1],
    ]);
    expect(directionalKernel(90)).toEqual([
      [-1, -2, -1],
      [0, 0, 0],
      [1, 2, 1],
    ]);
  });

  test('typed kernels parse as JSON or rows of numbers, and bad ones are explained', () => {
    expect(parseKernel('[[1, -1]]')).toEqual([[1, -1]]);
    expect(parseKernel('[1, -1]')).toEqual([[1, -1]]);
    expect(parseKernel('1 0; 0 -1')).toEqual([
      [1, 0],
      [0, -1],
    ]);
    expect(() => parseKernel('1 2; 3')).toThrow(/same length/);
    expect(() => parseKernel('1 x')).toThrow(/numbers only/);
    expect(() => parseKernel('  ')).toThrow(/empty/);
  });

  test.each(d2l.learn_kernel.map((r, i) => [i + 1, r] as const))('learnKernel matches PyTorch’s run %i', (_, run) => {
    const epochs = [...learnKernel(run.init, { lr: run.lr, epochs: run.epochs })];
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: run.epochs }, (_, i) => i + 1));
    epochs.forEach((e, i) => {
      expect(Math.abs(e.loss - run.loss_per_epoch[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, run.loss_per_epoch[i]));
    });
    const w = epochs[epochs.length - 1].weight.flat();
    w.forEach((v, i) => {
      expect(v).toBeCloseTo(run.final_weight.data[i], 5);
    });
  });

  test('the backend self-check: WebAssembly (loaded synchronously in Node) gives the JavaScript numbers', () => {
    const ref = referenceCheck();
    const { a, b, x, w } = checkInputs();
    // The reference against a naive float64 loop (exact: small integers).
    const A = a.toTypedArray() as ArrayLike<number>;
    const B = b.toTypedArray() as ArrayLike<number>;
    const mm = Array.from({ length: 16 * 16 }, (_, p) => {
      let s = 0;
      for (let k = 0; k < 24; k++) s += A[Math.floor(p / 16) * 24 + k] * B[k * 16 + (p % 16)];
      return s;
    });
    expect(ref.matmul).toEqual(mm);
    expect(new Set(ref.matmul).size).toBeGreaterThan(5);
    expect(ref.conv).toHaveLength(8 * 8 * 8);
    expect(new Set(ref.conv).size).toBeGreaterThan(5);
    expect(x.shape).toEqual([1, 2, 8, 8]);
    expect(w.shape).toEqual([8, 2, 3, 3]);
    // The large matmul's checksum against a naive loop, and a checksum that sees a swap.
    const bigA = checkInputs().bigA.toTypedArray() as ArrayLike<number>;
    const bigB = checkInputs().bigB.toTypedArray() as ArrayLike<number>;
    const big = new Float64Array(BIG * BIG);
    for (let i = 0; i < BIG; i++)
      for (let k = 0; k < BIG; k++)
        for (let j = 0; j < BIG; j++) big[i * BIG + j] += bigA[i * BIG + k] * bigB[k * BIG + j];
    expect(ref.bigChecksum).toBe(checksum(big));
    const swapped = big.slice();
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
    expect(big[0]).not.toBe(big[1]);
    expect(checksum(swapped)).not.toBe(ref.bigChecksum);
    const status = backendStatus();
    const check = backendCheck();
    expect(check.bigChecksum).toBe(ref.bigChecksum);
    expect(check.matmul).toEqual(ref.matmul);
    expect(check.conv).toEqual(ref.conv);
    expect(check.same).toBe(true);
    expect(status.wasmLoaded).toBe(status.simd);
    if (status.wasmLoaded) {
      expect(check.matmulKernel).toMatch(/^wasm-simd128-sgemm-4x8/);
      expect(check.convKernel).toMatch(/^wasm-simd128-conv2d-implicit-4x8/);
      expect(backendStatus().label).toMatch(/^WebAssembly SIMD \(sgemm-4x8, conv2d-implicit-4x8/);
    }
  });
});

describe('heatmap colours', () => {
  test('images are greyscale: 1 white, 0 black (the text’s “white (1) with a black (0) stripe”)', () => {
    expect(greyColor(1)).toEqual([255, 255, 255]);
    expect(greyColor(0)).toEqual([0, 0, 0]);
    const row = edgeImage()[0].map((v) => cellColors(v, 'grey', { min: 0, max: 1 }).bg);
    expect(row[0]).toEqual([255, 255, 255]);
    expect(row[2]).toEqual([0, 0, 0]);
  });

  test('signed values diverge around 0: white at 0, red above, blue below, symmetric', () => {
    const zero = divergingColor(0, 1);
    expect(zero[0]).toBe(zero[2]);
    const pos = divergingColor(1, 1);
    const neg = divergingColor(-1, 1);
    expect(pos[0]).toBeGreaterThan(pos[2]);
    expect(neg[2]).toBeGreaterThan(neg[0]);
    // ±0.5 sit at the same distance from the centre.
    const d = (c: readonly number[]) => Math.hypot(...c.map((v, k) => v - zero[k]));
    expect(d(divergingColor(0.5, 1)) / d(pos)).toBeCloseTo(d(divergingColor(-0.5, 1)) / d(neg), 1);
  });

  test('every cell’s number is readable on its colour (WCAG AA, 4.5:1)', () => {
    for (let v = -1; v <= 1; v += 0.05) {
      for (const kind of ['grey', 'diverging'] as const) {
        const { bg, fg } = cellColors(v, kind, { min: -1, max: 1 });
        expect(contrast(bg, fg), `${kind} ${v}`).toBeGreaterThanOrEqual(4.5);
      }
    }
    expect(textOn([0, 0, 0])).toEqual([255, 255, 255]);
  });
});

describe('padding, stride, dilation and the receptive window', () => {
  const settings = [
    { padding: 0, stride: 1, dilation: 1 },
    { padding: 1, stride: 1, dilation: 1 },
    { padding: 2, stride: 3, dilation: 2 },
    { padding: 1, stride: 2, dilation: 3 },
  ];

  test.each(settings)('convolve equals conv2d and the formula gives its shape (%o)', (c) => {
    const X = edgeImage();
    const K = kernel('laplacian');
    const out = convolve(X, K, c);
    const ref = conv2d(tensor([[X]]), tensor([[K]]), null, c);
    expect('Y' in out && out.Y).toEqual((ref.toArray() as number[][][][])[0][0]);
    expect(ref.shape.slice(2)).toEqual([outputSize(6, 3, c), outputSize(8, 3, c)]);
    expect(outputSizeFormula('H', 6, 3, c)).toMatch(new RegExp(`= ${outputSize(6, 3, c)}$`));
  });

  test.each(settings)('each output is the sum of its receptive window times K (%o)', (c) => {
    const X = diagonalImage();
    const K = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const out = convolve(X, K, c);
    if (!('Y' in out)) throw new Error(out.error);
    out.Y.forEach((row, i) => {
      row.forEach((y, j) => {
        const window = receptiveWindow(i, j, 2, 3, c);
        const sum = window.reduce((s, [r, col], t) => s + (X[r]?.[col] ?? 0) * K[Math.floor(t / 3)][t % 3], 0);
        expect(y).toBeCloseTo(sum, 6);
        // The reverse map finds this output from each input cell it reads.
        for (const [r, col] of window) {
          expect(outputsReading(r, col, 2, 3, [out.Y.length, row.length], c)).toContainEqual([i, j]);
        }
      });
    });
  });

  test('a kernel larger than the padded input is explained, not thrown', () => {
    const out = convolve([[1, 2]], kernel('laplacian'), { padding: 0, stride: 2, dilation: 1 });
    expect('error' in out && out.error).toMatch(/conv2d/);
  });
});
