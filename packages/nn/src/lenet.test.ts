// The book's LeNet (d2l 7.6) built from these layers: PyTorch's parameter names, repr and shapes,
// and one Adam step on random data lowering the loss.
import { noGrad } from '@torchlet/autograd';
import { Generator, randint, randn } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { ReLU } from './layers/activation.js';
import { Conv2d } from './layers/conv.js';
import { Flatten } from './layers/flatten.js';
import { Linear } from './layers/linear.js';
import { MaxPool2d } from './layers/pooling.js';
import { Sequential } from './layers/sequential.js';
import { crossEntropy } from './losses.js';
import { Adam } from './optim/adam.js';

function lenet(generator: Generator): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2, generator }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 16, 5, { generator }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(400, 120, { generator }),
    new ReLU(),
    new Linear(120, 84, { generator }),
    new ReLU(),
    new Linear(84, 10, { generator }),
  );
}

describe('LeNet', () => {
  it("has PyTorch's parameter names and shapes", () => {
    expect(
      lenet(new Generator(0))
        .namedParameters()
        .map(([n, p]) => [n, p.shape]),
    ).toEqual([
      ['0.weight', [6, 1, 5, 5]],
      ['0.bias', [6]],
      ['3.weight', [16, 6, 5, 5]],
      ['3.bias', [16]],
      ['7.weight', [120, 400]],
      ['7.bias', [120]],
      ['9.weight', [84, 120]],
      ['9.bias', [84]],
      ['11.weight', [10, 84]],
      ['11.bias', [10]],
    ]);
  });

  it("prints as PyTorch's repr", () => {
    expect(lenet(new Generator(0)).toString()).toBe(
      'Sequential(\n  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n  (1): ReLU()\n  (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n  (3): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))\n  (4): ReLU()\n  (5): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n  (6): Flatten(start_dim=1, end_dim=-1)\n  (7): Linear(in_features=400, out_features=120, bias=True)\n  (8): ReLU()\n  (9): Linear(in_features=120, out_features=84, bias=True)\n  (10): ReLU()\n  (11): Linear(in_features=84, out_features=10, bias=True)\n)',
    );
  });

  it("maps [N, 1, 28, 28] to [N, 10] through the book's intermediate shapes", () => {
    const net = lenet(new Generator(0));
    let x = randn([2, 1, 28, 28], { generator: new Generator(1) });
    const shapes: [string, readonly number[]][] = [];
    noGrad(() => {
      for (const layer of net) {
        x = layer.forward(x).data;
        shapes.push([layer.constructor.name, x.shape]);
      }
    });
    expect(shapes).toEqual([
      ['Conv2d', [2, 6, 28, 28]],
      ['ReLU', [2, 6, 28, 28]],
      ['MaxPool2d', [2, 6, 14, 14]],
      ['Conv2d', [2, 16, 10, 10]],
      ['ReLU', [2, 16, 10, 10]],
      ['MaxPool2d', [2, 16, 5, 5]],
      ['Flatten', [2, 400]],
      ['Linear', [2, 120]],
      ['ReLU', [2, 120]],
      ['Linear', [2, 84]],
      ['ReLU', [2, 84]],
      ['Linear', [2, 10]],
    ]);
  });

  it('one Adam step on a random batch lowers the loss, and every parameter gets a gradient', () => {
    const g = new Generator(42);
    const net = lenet(g);
    const X = randn([8, 1, 28, 28], { generator: g });
    const y = randint(0, 10, [8], { generator: g });
    const opt = new Adam(net.parameters(), { lr: 1e-3 });
    const before = crossEntropy(net.forward(X), y);
    opt.zeroGrad();
    before.backward();
    for (const [name, p] of net.namedParameters()) {
      expect(p.grad?.shape, name).toEqual(p.shape);
      expect(p.grad?.abs().sum().item(), name).toBeGreaterThan(0);
    }
    opt.step();
    const after = noGrad(() => crossEntropy(net.forward(X), y));
    expect(Number.isFinite(before.item())).toBe(true);
    expect(after.item()).toBeLessThan(before.item());
  });
});
