// The d2l section's "Learning a Kernel" loop with nn.Conv2d, against PyTorch's recorded run.
import { pow, sub } from '@torchlet/autograd';
import { tensor } from '@torchlet/tensor';
import { loadGolden, toTensor } from '@torchlet/test-utils';
import { describe, expect, it } from 'vitest';
import { Conv2d } from './conv.js';

const d2l = loadGolden('d2l');
const X = toTensor(d2l.edge.X).reshape([1, 1, 6, 8]);
const Y = toTensor(d2l.edge.Y).reshape([1, 1, 6, 7]);

function expectRelClose(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs PyTorch ${expected}`).toBeLessThanOrEqual(
    1e-5 * Math.abs(expected) + 1e-7,
  );
}

describe('learning a kernel (d2l): Conv2d(1, 1, [1, 2], { bias: false }), lr 0.03, 10 epochs', () => {
  it('the golden file has the three runs', () => {
    expect(d2l.learn_kernel.map((r) => r.init)).toEqual([[[0.25, 0.5]], [[-0.375, 0.125]], [[0, 0]]]);
  });

  it.each(d2l.learn_kernel.map((run, i) => [i, run] as const))(
    'run %i reproduces PyTorch loss per epoch and final weight',
    (_, run) => {
      const conv2d = new Conv2d(1, 1, [1, 2], { bias: false });
      conv2d.weight.data.copyInPlace(tensor(run.init).reshape([1, 1, 1, 2]));
      const losses: number[] = [];
      for (let epoch = 0; epoch < run.epochs; epoch++) {
        const Yhat = conv2d.forward(X);
        const l = pow(sub(Yhat, Y), 2);
        conv2d.zeroGrad();
        const total = l.sum();
        total.backward();
        // d2l: conv2d.weight.data[:] -= lr * conv2d.weight.grad
        conv2d.weight.data.subInPlace((conv2d.weight.grad as ReturnType<typeof tensor>).mul(run.lr));
        losses.push(total.item());
      }
      expect(losses).toHaveLength(run.loss_per_epoch.length);
      for (const [i, loss] of losses.entries()) expectRelClose(loss, run.loss_per_epoch[i], `epoch ${i + 1} loss`);
      const weight = Array.from(conv2d.weight.data.toTypedArray() as Float32Array);
      expect(conv2d.weight.shape).toEqual([1, 1, 1, 2]);
      for (const [i, w] of weight.entries()) expectRelClose(w, run.final_weight.data[i], `final weight[${i}]`);
    },
  );
});
