import { expect, test } from 'vitest';
import { binary, matmul, readback, reduce, unary, upload } from '../src/index.js';
import { gpu, ranOn } from './gpu.js';

test('smoke', async () => {
  const a = upload(gpu, new Float32Array([1, 2, 3, 4, 5, 6]));
  const b = upload(gpu, new Float32Array([1, 0, 0, 1, 1, 1]));
  expect(Array.from(await readback(matmul(a, b, { m: 2, n: 2, k: 3 })))).toEqual([4, 5, 10, 11]);
  expect(ranOn('webgpu-matmul-tiled-32x32')).toBe(true);
  const c = binary('add', { buffer: a, strides: [3, 1] }, { buffer: b, strides: [0, 1] }, [2, 3]);
  expect(Array.from(await readback(c))).toEqual([2, 2, 3, 5, 5, 6]);
  expect(Array.from(await readback(unary('copy', { buffer: a, strides: [1, 3] }, [3, 2])))).toEqual([1, 4, 2, 5, 3, 6]);
  expect(Array.from(await readback(reduce('sum', a, [2, 3], 1)))).toEqual([6, 15]);
  const big = upload(gpu, new Float32Array(1000).fill(1));
  expect(Array.from(await readback(reduce('sum', big, [2, 500], 1)))).toEqual([500, 500]);
  expect(ranOn('webgpu-reduce-workgroup')).toBe(true);
});
