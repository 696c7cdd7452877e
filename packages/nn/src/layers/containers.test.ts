import { gradcheck, variable } from '@torchlet/autograd';
import { TorchletError, tensor, zeros } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { ReLU } from './activation.js';
import { ModuleDict, ModuleList } from './containers.js';
import { Conv2d } from './conv.js';
import { Identity } from './identity.js';
import { Linear } from './linear.js';
import { ReLU6 } from './relu6.js';
import { Sequential } from './sequential.js';

describe('ModuleList', () => {
  it('registers modules as 0, 1, ... and iterates in order', () => {
    const list = new ModuleList([new Linear(2, 3), new ReLU()]).append(new Linear(3, 1));
    expect(list.length).toBe(3);
    expect(list.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect([...list].map((m) => m.constructor.name)).toEqual(['Linear', 'ReLU', 'Linear']);
    expect(list.at(-1)).toBe(list.at(2));
    expect(list.toString()).toBe(
      'ModuleList(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n  (2): Linear(in_features=3, out_features=1, bias=True)\n)',
    );
  });
  it('rejects bad entries and indexes; has no forward', () => {
    expect(() => new ModuleList([{} as ReLU])).toThrow(TorchletError);
    expect(() => new ModuleList([new ReLU()]).at(1)).toThrow('ModuleList: index 1 is out of range');
    expect(() => new ModuleList().forward()).toThrow('ModuleList: a ModuleList has no forward');
  });
});

describe('ModuleDict', () => {
  it('keeps insertion order for names, from a record or from entries', () => {
    const d = new ModuleDict([
      ['denselayer1', new Linear(1, 1)],
      ['denselayer2', new Linear(1, 1)],
    ]);
    expect(d.keys()).toEqual(['denselayer1', 'denselayer2']);
    expect(Object.keys(d.stateDict())).toEqual([
      'denselayer1.weight',
      'denselayer1.bias',
      'denselayer2.weight',
      'denselayer2.bias',
    ]);
    const shared = new ReLU();
    const r = new ModuleDict({ a: shared, b: shared });
    expect(r.keys()).toEqual(['a', 'b']);
    expect(r.values()).toEqual([shared, shared]);
    expect(r.size).toBe(2);
    expect(r.has('c')).toBe(false);
  });
  it('errors name the key', () => {
    expect(() => new ModuleDict({ a: new ReLU() }).get('b')).toThrow("ModuleDict: no module named 'b' (keys: a)");
    expect(() => new ModuleDict({ 'a.b': new ReLU() })).toThrow(TorchletError);
    expect(() => new ModuleDict().forward()).toThrow(TorchletError);
  });
});

describe('Sequential with named layers', () => {
  it('takes a Map (OrderedDict) or a record and keeps the names in state dicts and repr', () => {
    const net = new Sequential(
      new Map<string, Conv2d | ReLU>([
        ['conv0', new Conv2d(1, 2, 3, { bias: false })],
        ['relu0', new ReLU()],
      ]),
    );
    expect(Object.keys(net.stateDict())).toEqual(['conv0.weight']);
    expect(net.length).toBe(2);
    expect(net.at(1).constructor.name).toBe('ReLU');
    expect(net.forward(zeros([1, 1, 5, 5])).shape).toEqual([1, 2, 3, 3]);
    expect(net.toString()).toBe(
      'Sequential(\n  (conv0): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1), bias=False)\n  (relu0): ReLU()\n)',
    );
    const rec = new Sequential({ norm: new Identity(), relu: new ReLU() });
    expect(rec.namedChildren().map(([n]) => n)).toEqual(['norm', 'relu']);
  });
});

describe('ReLU6 and Identity', () => {
  it('ReLU6 clamps to [0, 6] with PyTorch hardtanh gradient (0 at the ends)', () => {
    const x = variable(tensor([-1, 0, 3, 6, 7]), { requiresGrad: true });
    const y = new ReLU6().forward(x);
    expect(y.toArray()).toEqual([0, 0, 3, 6, 6]);
    y.sum().backward();
    expect(x.grad?.toArray()).toEqual([0, 0, 1, 0, 0]);
    const r = gradcheck((v) => new ReLU6().forward(v), [tensor([-0.7, 0.5, 2, 5.5, 6.5], { dtype: 'float64' })]);
    expect(r.ok).toBe(true);
    expect(() => new ReLU6().forward(null as unknown as never)).toThrow(TorchletError);
  });
  it('Identity returns its input', () => {
    const x = variable(tensor([1, 2]), { requiresGrad: true });
    expect(new Identity().forward(x)).toBe(x);
    expect(new Identity().forward(tensor([3])).toArray()).toEqual([3]);
  });
});

describe('containers reject what is not modules', () => {
  it('a non-iterable, a bad pair or a non-string key is a TorchletError naming the container', () => {
    const bad = (f: () => unknown, message: RegExp): void => {
      expect(f).toThrow(TorchletError);
      expect(f).toThrow(message);
    };
    bad(() => new ModuleList(5 as unknown as never), /^ModuleList: .*iterable of Modules, got 5/);
    bad(() => new ModuleList(null as unknown as never), /^ModuleList: .*got null/);
    bad(() => new ModuleList([]).extend(3n as unknown as never), /^ModuleList: .*got 3n/);
    bad(() => new ModuleList([new ReLU()]).at(Symbol('i') as unknown as number), /^ModuleList: index Symbol\(i\)/);
    bad(() => new ModuleDict(null as unknown as never), /^ModuleDict: .*got null/);
    bad(() => new ModuleDict(-Infinity as unknown as never), /^ModuleDict: .*got -Infinity/);
    bad(() => new ModuleDict([[1, 2]] as unknown as never), /^ModuleDict: a key must be a string, got 1/);
    bad(() => new ModuleDict([5] as unknown as never), /^ModuleDict: entry 0 must be a \[key, module\] pair, got 5/);
    bad(() => new ModuleDict({ a: 1 } as unknown as never), /^ModuleDict: entry 'a' is not a Module, got 1/);
    bad(() => new ModuleDict({}).get(Symbol('k') as unknown as string), /no module named Symbol\(k\)/);
    expect(new ModuleDict(new Map([['relu', new ReLU()]])).keys()).toEqual(['relu']);
  });
});
