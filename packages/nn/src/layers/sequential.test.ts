import { TorchletError, tensor, zeros } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { ReLU, Sigmoid } from './activation.js';
import { Conv2d } from './conv.js';
import { Linear } from './linear.js';
import { Sequential } from './sequential.js';

describe('Sequential', () => {
  it('names children 0, 1, ... and chains forward', () => {
    const net = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    expect(net.namedChildren().map(([n]) => n)).toEqual(['0', '1', '2']);
    expect(net.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(net.length).toBe(3);
    expect(net.at(-1)).toBe(net.at(2));
    expect([...net].map((m) => m.constructor.name)).toEqual(['Linear', 'ReLU', 'Linear']);
    expect(net.forward(zeros([4, 2])).shape).toEqual([4, 1]);
  });

  it('append adds the next index; an empty Sequential is the identity', () => {
    const net = new Sequential().append(new Sigmoid());
    expect(net.namedChildren().map(([n]) => n)).toEqual(['0']);
    expect(new Sequential().forward(tensor([1, 2])).toArray()).toEqual([1, 2]);
    expect(new Sequential().toString()).toBe('Sequential()');
  });

  it('repr is PyTorch', () => {
    const net = new Sequential(new Conv2d(1, 6, 5, { padding: 2 }), new ReLU());
    expect(net.toString()).toBe(
      'Sequential(\n  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n  (1): ReLU()\n)',
    );
  });

  it('nested Sequentials indent', () => {
    const net = new Sequential(new Sequential(new ReLU()), new ReLU());
    expect(net.toString()).toBe('Sequential(\n  (0): Sequential(\n    (0): ReLU()\n  )\n  (1): ReLU()\n)');
    expect(net.namedModules().map(([n]) => n)).toEqual(['', '0', '0.0', '1']);
  });

  it('errors', () => {
    expect(() => new Sequential(new ReLU()).at(1)).toThrow(
      'Sequential: index 1 is out of range for a Sequential of 1 layers',
    );
    expect(() => new Sequential({} as ReLU)).toThrow(TorchletError);
    // A layer's error names that layer.
    expect(() => new Sequential(new Conv2d(3, 1, 1)).forward(zeros([1, 1, 2, 2]))).toThrow(
      'Conv2d: expected input with 3 channels, got input [1,1,2,2]',
    );
  });
});
