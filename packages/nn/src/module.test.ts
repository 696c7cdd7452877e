import { mul, type Variable } from '@torchlet/autograd';
import { type Tensor, TorchletError, tensor, zeros } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { ReLU } from './layers/activation.js';
import { BatchNorm2d } from './layers/batchnorm.js';
import { Conv2d } from './layers/conv.js';
import { Linear } from './layers/linear.js';
import { Sequential } from './layers/sequential.js';
import { isModule, Module, type ModuleInput } from './module.js';
import { Parameter } from './parameter.js';

/** A model with a parameter of its own, a nested Sequential and a BatchNorm (buffers). */
class Net extends Module {
  readonly scale = new Parameter(tensor([2]));
  readonly features = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new BatchNorm2d(2));
  readonly notAModule = { forward: () => 0 };
  readonly plainTensor = zeros([3]);
  readonly head = new Linear(2, 1);
  forward(x: ModuleInput): Variable {
    return mul(this.features.forward(x), this.scale);
  }
}

describe('Module registration by property assignment', () => {
  it('names parameters with dotted paths, own first, in insertion order', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['scale', [1]],
      ['features.0.weight', [2, 1, 3, 3]],
      ['features.0.bias', [2]],
      ['features.2.weight', [2]],
      ['features.2.bias', [2]],
      ['head.weight', [1, 2]],
      ['head.bias', [1]],
    ]);
    expect(net.parameters()).toHaveLength(7);
  });

  it('lists children, modules and named modules', () => {
    const net = new Net();
    expect(net.namedChildren().map(([n]) => n)).toEqual(['features', 'head']);
    expect(net.children()).toEqual([net.features, net.head]);
    expect(net.namedModules().map(([n, m]) => [n, m.constructor.name])).toEqual([
      ['', 'Net'],
      ['features', 'Sequential'],
      ['features.0', 'Conv2d'],
      ['features.1', 'ReLU'],
      ['features.2', 'BatchNorm2d'],
      ['head', 'Linear'],
    ]);
    expect(net.modules()).toHaveLength(6);
  });

  it('state dict: each module its parameters, then buffers, then children', () => {
    expect(Object.keys(new Net().stateDict())).toEqual([
      'scale',
      'features.0.weight',
      'features.0.bias',
      'features.2.weight',
      'features.2.bias',
      'features.2.running_mean',
      'features.2.running_var',
      'features.2.num_batches_tracked',
      'head.weight',
      'head.bias',
    ]);
  });

  it('state dict tensors share storage with the parameters', () => {
    const lin = new Linear(2, 1);
    expect(lin.stateDict().weight).toBe(lin.weight.data);
  });

  it('a reassigned parameter keeps its position; null hides it', () => {
    const lin = new Linear(2, 3);
    lin.weight = new Parameter(zeros([3, 2]));
    expect(lin.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    lin.bias = null;
    expect(lin.namedParameters().map(([n]) => n)).toEqual(['weight']);
    expect(Object.keys(lin.stateDict())).toEqual(['weight']);
  });

  it('lists a shared parameter or module once', () => {
    class Tied extends Module {
      readonly a = new Linear(2, 2);
      readonly b = this.a;
      forward(x: ModuleInput): Variable {
        return this.b.forward(this.a.forward(x));
      }
    }
    const tied = new Tied();
    expect(tied.namedParameters().map(([n]) => n)).toEqual(['a.weight', 'a.bias']);
    expect(tied.namedChildren().map(([n]) => n)).toEqual(['a']);
    // PyTorch's state_dict does not deduplicate: the tied module is saved under both names.
    expect(Object.keys(tied.stateDict())).toEqual(['a.weight', 'a.bias', 'b.weight', 'b.bias']);
    expect(tied.stateDict()['b.weight']).toBe(tied.a.weight.data);
  });

  it('a module that contains itself is named in the error, not an endless recursion', () => {
    const loop = new Sequential(new ReLU());
    loop.append(loop);
    expect(loop.modules()).toHaveLength(2);
    expect(() => loop.stateDict()).toThrow("stateDict: module '1' contains itself");
  });
});

describe('explicit registration', () => {
  class Custom extends Module {
    constructor() {
      super();
      this.registerParameter('w', new Parameter(tensor([1, 2])));
      this.registerModule('act', new ReLU());
      this.registerBuffer('count', zeros([1]));
      this.registerParameter('absent', null);
    }
    forward(x: ModuleInput): Variable {
      return mul(x, this.getBuffer('count'));
    }
  }

  it('registerParameter / registerModule / registerBuffer', () => {
    const m = new Custom();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['w']);
    expect(m.namedChildren().map(([n]) => n)).toEqual(['act']);
    expect(m.namedBuffers().map(([n, t]) => [n, t.shape])).toEqual([['count', [1]]]);
    expect(m.buffers()).toHaveLength(1);
    expect(Object.keys(m.stateDict())).toEqual(['w', 'count']);
    expect((m as unknown as Record<string, unknown>).w).toBe(m.parameters()[0]);
  });

  it('rejects bad names and values', () => {
    const m = new Custom();
    expect(() => m.registerParameter('a.b', new Parameter(zeros([1])))).toThrow(
      `registerParameter: name can't contain ".", got 'a.b'`,
    );
    expect(() => m.registerBuffer('', zeros([1]))).toThrow('registerBuffer: name can\'t be empty string ""');
    expect(() => m.registerParameter('x', zeros([1]) as unknown as Parameter)).toThrow(
      "registerParameter: cannot assign a Tensor [1] as parameter 'x' (a Parameter or null is required)",
    );
    expect(() => m.registerBuffer('w', zeros([1]))).toThrow("registerBuffer: attribute 'w' already exists");
    expect(() => m.registerModule('count', new ReLU())).toThrow(
      "registerModule: attribute 'count' already exists as a buffer",
    );
    expect(() => m.registerModule('m', {} as unknown as ReLU)).toThrow("registerModule: 'm' is not a Module");
    expect(() => m.getBuffer('nope')).toThrow("getBuffer: Custom has no buffer 'nope'");
  });
});

describe('modes and gradients', () => {
  it('train() / eval() set the flag on every descendant', () => {
    const net = new Net();
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.features.at(2).training).toBe(true);
    net.train(false);
    expect(net.head.training).toBe(false);
  });

  it('zeroGrad sets every grad to null', () => {
    const lin = new Linear(2, 1);
    lin
      .forward(tensor([[1, 2]]))
      .sum()
      .backward();
    expect(lin.weight.grad).not.toBeNull();
    lin.zeroGrad();
    expect(lin.parameters().map((p) => p.grad)).toEqual([null, null]);
  });

  it('apply visits children before the module', () => {
    const order: string[] = [];
    new Sequential(new Linear(1, 1), new Sequential(new ReLU())).apply((m) => order.push(m.constructor.name));
    expect(order).toEqual(['Linear', 'ReLU', 'Sequential', 'Sequential']);
  });
});

describe('loadStateDict', () => {
  const model = (): Sequential => new Sequential(new Conv2d(1, 6, 3), new ReLU(), new Linear(4, 2));

  it('copies values in place and returns no incompatible keys', () => {
    const a = model();
    const b = model();
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    for (const [name, t] of Object.entries(b.stateDict())) expect(t.equal(a.stateDict()[name])).toBe(true);
    expect(b.stateDict()['0.weight']).not.toBe(a.stateDict()['0.weight']);
  });

  it('lists every missing, unexpected and mis-shaped key, as PyTorch words it', () => {
    const dict: Record<string, Tensor> = { ...model().stateDict(), extra: zeros([1]), 'other.w': zeros([1]) };
    delete dict['0.bias'];
    delete dict['2.bias'];
    dict['0.weight'] = zeros([6, 1, 5, 5]);
    const m = model();
    const before = m.stateDict()['2.weight'].clone();
    let error: unknown;
    try {
      m.loadStateDict(dict);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TorchletError);
    expect((error as Error).message).toBe(
      'loadStateDict: Error(s) in loading state_dict for Sequential:\n' +
        '\tMissing key(s) in state_dict: "0.bias", "2.bias". \n' +
        '\tUnexpected key(s) in state_dict: "extra", "other.w". \n' +
        '\tsize mismatch for 0.weight: copying a param with shape [6,1,5,5] from checkpoint, the shape in current model is [6,1,3,3].',
    );
    // Nothing was copied: the load is all or nothing.
    expect(m.stateDict()['2.weight'].equal(before)).toBe(true);
  });

  it('strict: false ignores missing and unexpected keys but not shape mismatches', () => {
    const source = model();
    const dict = { '2.weight': source.stateDict()['2.weight'], extra: zeros([1]) };
    const m = model();
    expect(m.loadStateDict(dict, { strict: false })).toEqual({
      missingKeys: ['0.weight', '0.bias', '2.bias'],
      unexpectedKeys: ['extra'],
    });
    expect(m.stateDict()['2.weight'].equal(source.stateDict()['2.weight'])).toBe(true);
    expect(() => m.loadStateDict({ '2.weight': zeros([3, 3]) }, { strict: false })).toThrow(
      'loadStateDict: Error(s) in loading state_dict for Sequential:\n\tsize mismatch for 2.weight: copying a param with shape [3,3] from checkpoint, the shape in current model is [2,4].',
    );
  });

  it('loads buffers and rejects values that are not tensors', () => {
    const bn = new BatchNorm2d(2);
    const dict = {
      ...bn.stateDict(),
      running_mean: tensor([1, 2]),
      num_batches_tracked: tensor(5, { dtype: 'int32' }),
    };
    bn.loadStateDict(dict);
    expect(bn.runningMean.toArray()).toEqual([1, 2]);
    expect(bn.numBatchesTracked.item()).toBe(5);
    expect(() => bn.loadStateDict({ ...dict, running_var: [1, 1] as unknown as ReturnType<typeof zeros> })).toThrow(
      'While copying the parameter named "running_var", expected a Tensor from checkpoint but received Array',
    );
  });
});

describe('toString (PyTorch module repr)', () => {
  it('nests children with indentation', () => {
    expect(new Net().toString()).toBe(
      [
        'Net(',
        '  (features): Sequential(',
        '    (0): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))',
        '    (1): ReLU()',
        '    (2): BatchNorm2d(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '  )',
        '  (head): Linear(in_features=2, out_features=1, bias=True)',
        ')',
      ].join('\n'),
    );
  });

  it('puts a multi-line extraRepr before the children', () => {
    class Both extends Module {
      readonly act = new ReLU();
      override extraRepr(): string {
        return 'a=1\nb=2';
      }
      forward(x: ModuleInput): Variable {
        return this.act.forward(x);
      }
    }
    expect(new Both().toString()).toBe('Both(\n  a=1\n  b=2\n  (act): ReLU()\n)');
  });
});

it('isModule is a brand check', () => {
  expect(isModule(new ReLU())).toBe(true);
  expect(isModule(new Parameter(zeros([1])))).toBe(false);
  expect(isModule(null)).toBe(false);
});
