import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { align64, gemmLayout, memoryView, WASM_MEMORY_LIMIT, wasmGemm } from './gemm.js';
import { getBackendInfo } from './info.js';
import { gemmModule } from './loader.js';

describe('wasmGemm: hand-computed cases', () => {
  it('multiplies 2x3 by 3x2', () => {
    // [[1,2,3],[4,5,6]] @ [[7,8],[9,10],[11,12]] = [[58,64],[139,154]]
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const b = new Float32Array([7, 8, 9, 10, 11, 12]);
    const c = new Float32Array(4);
    expect(wasmGemm(false, false, 2, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 0, 2)).toBe(true);
    expect([...c]).toEqual([58, 64, 139, 154]);
  });

  it('reads transposed operands as stored', () => {
    // A^T stored as [[1,4],[2,5],[3,6]], B^T stored as [[7,9,11],[8,10,12]]: the same product.
    const at = new Float32Array([1, 4, 2, 5, 3, 6]);
    const bt = new Float32Array([7, 9, 11, 8, 10, 12]);
    const c = new Float32Array(4);
    expect(wasmGemm(true, true, 2, 2, 3, 1, at, 0, 2, bt, 0, 3, 0, c, 0, 2)).toBe(true);
    expect([...c]).toEqual([58, 64, 139, 154]);
  });

  it('applies alpha and beta: C = 2 * A @ B - 1 * C', () => {
    const c = new Float32Array([1, 2, 3, 4]);
    const eye = new Float32Array([1, 0, 0, 1]);
    const b = new Float32Array([5, 6, 7, 8]);
    wasmGemm(false, false, 2, 2, 2, 2, eye, 0, 2, b, 0, 2, -1, c, 0, 2);
    expect([...c]).toEqual([9, 10, 11, 12]);
  });

  it('beta = 0 ignores NaN in C; alpha = 0 and k = 0 never read A or B', () => {
    const nan = new Float32Array([Number.NaN, Number.NaN]);
    const c = new Float32Array([Number.NaN, Number.NaN]);
    wasmGemm(false, false, 1, 2, 1, 1, new Float32Array([2]), 0, 1, new Float32Array([3, 4]), 0, 2, 0, c, 0, 2);
    expect([...c]).toEqual([6, 8]);
    wasmGemm(false, false, 1, 2, 1, 0, nan, 0, 1, nan, 0, 2, 0.5, c, 0, 2);
    expect([...c]).toEqual([3, 4]);
    wasmGemm(false, false, 1, 2, 0, 1, nan, 0, 1, nan, 0, 2, 2, c, 0, 2);
    expect([...c]).toEqual([6, 8]);
  });

  it('writes only the block at cOffset with row stride ldc', () => {
    const c = new Float32Array([-1, -1, -1, -1, -1, -1, -1]);
    // 2x1 result [[3],[6]] at offset 2 with ldc 3: elements 2 and 5.
    wasmGemm(false, false, 2, 1, 1, 1, new Float32Array([1, 2]), 0, 1, new Float32Array([3]), 0, 1, 0, c, 2, 3);
    expect([...c]).toEqual([-1, -1, 3, -1, -1, 6, -1]);
  });

  it('reuses its memory across calls of different sizes', () => {
    const big = 300;
    const a = new Float32Array(big * big).fill(1);
    const c = new Float32Array(big * big);
    wasmGemm(false, false, big, big, big, 1, a, 0, big, a, 0, big, 0, c, 0, big);
    expect(c[0]).toBe(big);
    expect(c[big * big - 1]).toBe(big);
    const small = new Float32Array(1);
    wasmGemm(false, false, 1, 1, 1, 1, new Float32Array([2]), 0, 1, new Float32Array([5]), 0, 1, 0, small, 0, 1);
    expect(small[0]).toBe(10);
  });

  it('declines float64 and mixed operands without touching C', () => {
    const c64 = new Float64Array([7]);
    expect(
      wasmGemm(false, false, 1, 1, 1, 1, new Float64Array([2]), 0, 1, new Float64Array([3]), 0, 1, 0, c64, 0, 1),
    ).toBe(false);
    expect(c64[0]).toBe(7);
    expect(getBackendInfo().lastKernel).toBe('js');
    const c32 = new Float32Array([7]);
    expect(
      wasmGemm(false, false, 1, 1, 1, 1, new Float32Array([2]), 0, 1, new Float64Array([3]), 0, 1, 0, c32, 0, 1),
    ).toBe(false);
    expect(c32[0]).toBe(7);
  });
});

describe('getBackendInfo', () => {
  it('reports the loaded SIMD module and the kernel of the last call', () => {
    wasmGemm(
      false,
      false,
      1,
      1,
      1,
      1,
      new Float32Array([1]),
      0,
      1,
      new Float32Array([1]),
      0,
      1,
      0,
      new Float32Array(1),
      0,
      1,
    );
    expect(getBackendInfo()).toEqual({
      simd: true,
      wasmLoaded: true,
      threads: availableParallelism(),
      // Workers start in the background: checked in threads.test.ts.
      threadsActive: expect.any(Number),
      lastKernel: 'wasm-simd128-sgemm-4x8',
      kernels: [
        'wasm-simd128-sgemm-4x8',
        'wasm-simd128-conv2d-implicit-4x8',
        'wasm-simd128-conv2d-pointwise-4x8',
        'wasm-simd128-conv2d-winograd-f2x2-3x3',
        'wasm-simd128-conv2d-backward-weight-2x4',
        'wasm-simd128-conv2d-backward-weight-gemm',
        'wasm-simd128-conv2d-backward-input-col2im',
        'wasm-simd128-conv2d-1x1-backward-input-gemm',
        'wasm-simd128-conv2d-1x1-backward-weight-gemm',
        'wasm-simd128-conv2d-1x1-backward-gemm',
        'wasm-simd128-conv2d-small-cout',
        'wasm-simd128-depthwise-conv2d',
        'wasm-simd128-maxpool-2x2',
        'wasm-simd128-maxpool2d',
        'wasm-simd128-channel-affine',
        'wasm-simd128-elementwise',
        'wasm-simd128-sum-f64acc',
        'wasm-simd128-transpose-4x4',
      ],
      error: '',
    });
  });
});

describe('linear-memory addressing past 2 GiB (issue 18)', () => {
  it('align64 rounds up with plain arithmetic, exact up to the 4 GiB limit', () => {
    expect(align64(0)).toBe(0);
    expect(align64(1)).toBe(64);
    expect(align64(2 ** 31 - 1)).toBe(2 ** 31);
    expect(align64(2 ** 31 + 1)).toBe(2 ** 31 + 64);
    expect(align64(2 ** 32 - 63)).toBe(2 ** 32);
    expect(align64(2 ** 32 + 1)).toBe(2 ** 32 + 64);
  });

  it('lays out the products of the issue without going negative', () => {
    // The repro: an earlier product left the memory past 2 GiB; C of [8, 16400] @ [16400, 32768]
    // starts below 2 GiB and ends past it, a 32768 x 32768 C would end past 4 GiB.
    const big = gemmLayout(false, false, 8, 32768, 16400, 16400, 32768, 4096);
    expect(big.bAt).toBeGreaterThan(4096);
    expect(big.cAt).toBeGreaterThan(2 ** 31);
    expect(big.cAt % 64).toBe(0);
    expect(big.end).toBe(big.cAt + 4 * 8 * 32768);
    expect(big.end).toBeLessThan(WASM_MEMORY_LIMIT);
    const huge = gemmLayout(true, true, 32768, 32768, 8, 32768, 8, 4096);
    expect(huge.end).toBeGreaterThan(WASM_MEMORY_LIMIT);
    expect(huge.cAt).toBeGreaterThan(0);
  });

  it('memoryView declines past the 4 GiB limit (the caller runs its JavaScript kernel)', () => {
    const mod = gemmModule();
    expect(mod).not.toBeNull();
    expect(memoryView(mod!, WASM_MEMORY_LIMIT + 1)).toBeNull();
    expect(memoryView(mod!, Number.NaN)).toBeNull();
    expect(memoryView(mod!, 64)).toBeInstanceOf(Float32Array);
  });
});
