import { pow, sub } from '@torchlet/autograd';
import { Generator, type Tensor, zeros } from '@torchlet/tensor';
import { loadGolden, toTensor } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { Conv2D } from './conv2d-scratch.js';

describe("Conv2D (d2l's layer from scratch)", () => {
  it('weight U[0, 1) of the kernel size, bias one zero', () => {
    const conv = new Conv2D([1, 2], { generator: new Generator(4) });
    expect(conv.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['weight', [1, 2]],
      ['bias', [1]],
    ]);
    const w = Array.from(conv.weight.data.toTypedArray() as Float32Array);
    expect(w.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(conv.bias.toArray()).toEqual([0]);
    expect(new Conv2D(3).weight.shape).toEqual([3, 3]);
  });

  it('forward is corr2d(x, weight) + bias (d2l edge detection, golden)', () => {
    const { X, K, Y } = loadGolden('d2l').edge;
    const conv = new Conv2D([1, 2]);
    conv.weight.data.copyInPlace(toTensor(K));
    conv.bias.data.fillInPlace(0.5);
    const out = conv.forward(toTensor(X));
    expect(out.shape).toEqual(Y.shape);
    expect(Array.from(out.data.toTypedArray(), Number)).toEqual(Y.data.map((v) => v + 0.5));
  });

  it("learns the edge kernel with the book's loop, bias trained too (lr 0.01; loss falls, weight near [1, -1])", () => {
    const { X, Y } = loadGolden('d2l').edge;
    const conv = new Conv2D([1, 2], { generator: new Generator(0) });
    const losses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const l = pow(sub(conv.forward(toTensor(X)), toTensor(Y)), 2).sum();
      conv.zeroGrad();
      l.backward();
      for (const p of conv.parameters()) p.data.subInPlace((p.grad as Tensor).mul(0.01));
      losses.push(l.item());
    }
    expect(losses[59]).toBeLessThan(losses[0] / 100);
    const [a, b] = Array.from(conv.weight.data.toTypedArray() as Float32Array);
    expect(Math.abs(a - 1)).toBeLessThan(0.1);
    expect(Math.abs(b + 1)).toBeLessThan(0.1);
  });

  it('errors and repr', () => {
    expect(() => new Conv2D([1, 2]).forward(zeros([1, 1, 6, 8]))).toThrow(
      'Conv2D: expected a 2-D input [H, W], got input [1,1,6,8]',
    );
    expect(() => new Conv2D([3, 3]).forward(zeros([2, 5]))).toThrow(
      'Conv2D: input [2,5] is smaller than the kernel [3,3]',
    );
    expect(() => new Conv2D([0, 2])).toThrow(
      'Conv2D: kernelSize must be a positive integer or a pair of them, got [0,2]',
    );
    expect(new Conv2D(2).toString()).toBe('Conv2D()');
  });
});
