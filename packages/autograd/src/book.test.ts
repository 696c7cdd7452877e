import { type Tensor, tensor, zeros } from '@torchlet/tensor';
import { loadGolden, toTensor } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { rnd } from '../test/random.js';
import {
  add,
  conv2d,
  get,
  mul,
  pow,
  reshape,
  sub,
  sum,
  type Variable,
  type VariableOrTensor,
  variable,
} from './index.js';

// The d2l section's from-scratch code, written as the book writes it (a zeros tensor filled
// element by element with Y[i, j] = ...), trained through autograd.

/** d2l's corr2d: loops filling Y[i, j] with set. */
function corr2d(X: VariableOrTensor, K: VariableOrTensor): Variable {
  const [h, w] = K.shape;
  const Y = variable(zeros([X.shape[0] - h + 1, X.shape[1] - w + 1], { dtype: X.dtype }));
  for (let i = 0; i < Y.shape[0]; i++) {
    for (let j = 0; j < Y.shape[1]; j++) {
      Y.set([i, j], sum(mul(get(X, `${i}:${i + h}, ${j}:${j + w}`), K)));
    }
  }
  return Y;
}

/** d2l's Conv2D module: a weight, a bias and corr2d(x, weight) + bias. */
class Conv2D {
  readonly weight: Variable;
  readonly bias: Variable;
  constructor(weight: Tensor) {
    this.weight = variable(weight, { requiresGrad: true });
    this.bias = variable(zeros([1], { dtype: weight.dtype }), { requiresGrad: true });
  }
  forward(x: VariableOrTensor): Variable {
    return add(corr2d(x, this.weight), this.bias);
  }
}

/** The same layer through conv2d (batch and channel dimensions added). */
function conv2dLayer(x: VariableOrTensor, weight: Variable, bias: Variable): Variable {
  const [h, w] = x.shape;
  const [kh, kw] = weight.shape;
  const out = conv2d(reshape(x, [1, 1, h, w]), reshape(weight, [1, 1, kh, kw]), bias);
  return reshape(out, [h - kh + 1, w - kw + 1]);
}

function expectClose(a: Tensor | null, b: Tensor | null, tol: number): void {
  expect(a).not.toBeNull();
  expect(b).not.toBeNull();
  expect(a?.shape).toEqual(b?.shape);
  const x = (a as Tensor).toTypedArray() as ArrayLike<number>;
  const y = (b as Tensor).toTypedArray() as ArrayLike<number>;
  for (let i = 0; i < x.length; i++)
    expect(Math.abs(x[i] - y[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(y[i])));
}

describe("the book's hand-written corr2d through autograd", () => {
  it('computes the book example', () => {
    const Y = corr2d(
      tensor([
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
      ]),
      tensor([
        [0, 1],
        [2, 3],
      ]),
    );
    expect(Y.toArray()).toEqual([
      [19, 25],
      [37, 43],
    ]);
  });

  it('gives the same gradients as conv2d (input, weight and bias)', () => {
    const X1 = variable(rnd([5, 6], 1), { requiresGrad: true });
    const X2 = variable(rnd([5, 6], 1), { requiresGrad: true });
    const layer = new Conv2D(rnd([2, 3], 2));
    const w2 = variable(layer.weight.data.clone(), { requiresGrad: true });
    const b2 = variable(layer.bias.data.clone(), { requiresGrad: true });
    const upstream = rnd([4, 4], 3);
    const ours = layer.forward(X1);
    const reference = conv2dLayer(X2, w2, b2);
    expectClose(ours.data, reference.data, 1e-12);
    sum(mul(ours, upstream)).backward();
    sum(mul(reference, upstream)).backward();
    expectClose(X1.grad, X2.grad, 1e-12);
    expectClose(layer.weight.grad, w2.grad, 1e-12);
    expectClose(layer.bias.grad, b2.grad, 1e-12);
  });

  it('learns the edge kernel exactly as PyTorch did (golden learn_kernel runs)', () => {
    const d2l = loadGolden('d2l');
    const X = toTensor(d2l.edge.X);
    const Y = toTensor(d2l.edge.Y);
    for (const run of d2l.learn_kernel) {
      const weight = variable(tensor(run.init), { requiresGrad: true });
      const losses: number[] = [];
      for (let epoch = 0; epoch < run.epochs; epoch++) {
        const l = pow(sub(corr2d(X, weight), Y), 2);
        weight.zeroGrad();
        const total = sum(l);
        total.backward();
        losses.push(total.item());
        weight.data.subInPlace(weight.grad as Tensor, run.lr);
      }
      losses.forEach((loss, i) => {
        expect(Math.abs(loss - run.loss_per_epoch[i])).toBeLessThanOrEqual(1e-4 * Math.max(1, run.loss_per_epoch[i]));
      });
      expectClose(weight.data, toTensor(run.final_weight), 1e-5);
    }
  });

  it('trains the Conv2D module (weight and bias, lr 0.01: the bias sums 42 gradients) with gradients equal to conv2d at every step', () => {
    const d2l = loadGolden('d2l');
    const X = toTensor(d2l.edge.X, 'float64');
    const Y = toTensor(d2l.edge.Y, 'float64');
    const layer = new Conv2D(tensor([[0.25, 0.5]], { dtype: 'float64' }));
    const losses: number[] = [];
    for (let epoch = 0; epoch < 10; epoch++) {
      const w2 = variable(layer.weight.data.clone(), { requiresGrad: true });
      const b2 = variable(layer.bias.data.clone(), { requiresGrad: true });
      layer.weight.zeroGrad();
      layer.bias.zeroGrad();
      const loss = sum(pow(sub(layer.forward(X), Y), 2));
      loss.backward();
      sum(pow(sub(conv2dLayer(X, w2, b2), Y), 2)).backward();
      expectClose(layer.weight.grad, w2.grad, 1e-12);
      expectClose(layer.bias.grad, b2.grad, 1e-12);
      losses.push(loss.item());
      layer.weight.data.subInPlace(layer.weight.grad as Tensor, 0.01);
      layer.bias.data.subInPlace(layer.bias.grad as Tensor, 0.01);
    }
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]);
    expect(losses[9]).toBeLessThan(0.1 * losses[0]);
  });
});
