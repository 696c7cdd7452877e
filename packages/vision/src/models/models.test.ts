import { isVariable } from '@torchlet/autograd';
import { loadSafetensors, saveSafetensors } from '@torchlet/nn';
import { Generator, randn, TorchletError, zeros } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { summary } from '../summary.js';
import { lenet, nin } from './book.js';
import { DenseNet } from './densenet.js';
import { googlenet } from './googlenet.js';
import { InvertedResidual, MobileNetV2, makeDivisible } from './mobilenet.js';
import { resnet18 } from './resnet.js';

describe('the book models', () => {
  it("LeNet has the book's shapes and 61,706 parameters", () => {
    const s = summary(lenet(), [1, 1, 28, 28]);
    expect(s.rows.map((r) => [r.type, r.outputShape])).toEqual([
      ['Conv2d', [1, 6, 28, 28]],
      ['Sigmoid', [1, 6, 28, 28]],
      ['AvgPool2d', [1, 6, 14, 14]],
      ['Conv2d', [1, 16, 10, 10]],
      ['Sigmoid', [1, 16, 10, 10]],
      ['AvgPool2d', [1, 16, 5, 5]],
      ['Flatten', [1, 400]],
      ['Linear', [1, 120]],
      ['Sigmoid', [1, 120]],
      ['Linear', [1, 84]],
      ['Sigmoid', [1, 84]],
      ['Linear', [1, 10]],
    ]);
    expect(s.totalParams).toBe(61706);
    expect(s.toString()).toContain('Total params: 61,706');
  });

  it("NiN has the book's shapes at 224x224 (d2l's printed loop)", () => {
    const s = summary(nin({ generator: new Generator(0) }), [1, 1, 224, 224]);
    expect(s.rows.map((r) => r.outputShape)).toEqual([
      [1, 96, 54, 54],
      [1, 96, 26, 26],
      [1, 256, 26, 26],
      [1, 256, 12, 12],
      [1, 384, 12, 12],
      [1, 384, 5, 5],
      [1, 384, 5, 5],
      [1, 10, 5, 5],
      [1, 10, 1, 1],
      [1, 10],
    ]);
  });
});

describe('summary', () => {
  it('observes blocks of non-sequential models, restores modes and forward, and validates', () => {
    const net = resnet18({ numClasses: 10, generator: new Generator(0) });
    const s = summary(net, [1, 3, 32, 32], { depth: 2 });
    expect(s.rows.find((r) => r.name === 'layer3')?.outputShape).toEqual([1, 256, 2, 2]);
    expect(s.rows.find((r) => r.name === 'layer3.0')?.params).toBe(
      net.layer3
        .at(0)
        .parameters()
        .reduce((n, p) => n + p.numel, 0),
    );
    expect(s.rows.find((r) => r.name === 'fc')?.outputShape).toEqual([1, 10]);
    expect(s.totalParams).toBe(11181642);
    expect(net.training).toBe(true);
    expect(Object.hasOwn(net.layer1, 'forward')).toBe(false);
    expect(() => summary(net, [1, 3, 0, 32])).toThrow(TorchletError);
    expect(() => summary({} as never, [1])).toThrow('summary: expected a Module');
  });
});

describe('models', () => {
  it('GoogLeNet returns auxiliary logits in training mode only', () => {
    const net = googlenet({ numClasses: 5, generator: new Generator(0) });
    const x = randn([2, 3, 32, 32], { generator: new Generator(1) });
    const train = net.forwardWithAux(x);
    expect([train.logits.shape, train.aux1?.shape, train.aux2?.shape]).toEqual([
      [2, 5],
      [2, 5],
      [2, 5],
    ]);
    const evaluated = net.eval().forwardWithAux(x);
    expect([evaluated.aux1, evaluated.aux2]).toEqual([null, null]);
    expect(isVariable(net.forward(x))).toBe(true);
  });

  it('a state dict survives a safetensors round trip and loads with strict', () => {
    const a = resnet18({ numClasses: 3, generator: new Generator(0) });
    const b = resnet18({ numClasses: 3, generator: new Generator(1) });
    b.loadStateDict(loadSafetensors(saveSafetensors(a.stateDict())));
    const x = randn([1, 3, 32, 32], { generator: new Generator(2) });
    expect(b.eval().forward(x).data.equal(a.eval().forward(x).data)).toBe(true);
    expect(() => resnet18({ numClasses: 4 }).loadStateDict(a.stateDict())).toThrow(/size mismatch for fc.weight/);
  });

  it('MobileNetV2 widths follow _make_divisible; DenseNet and float64 models build', () => {
    expect([makeDivisible(32 * 0.35, 8), makeDivisible(1280, 8), makeDivisible(16 * 0.75, 8)]).toEqual([16, 1280, 16]);
    const small = new MobileNetV2({ numClasses: 3, widthMult: 0.35, dtype: 'float64', generator: new Generator(0) });
    expect(small.eval().forward(zeros([1, 3, 32, 32], { dtype: 'float64' })).dtype).toBe('float64');
    const tiny = new DenseNet({ growthRate: 4, blockConfig: [2, 2], numInitFeatures: 8, numClasses: 2 });
    expect(tiny.eval().forward(zeros([1, 3, 16, 16])).shape).toEqual([1, 2]);
  });

  it('makeDivisible and InvertedResidual reject bad arguments with a TorchletError naming them', () => {
    const bad = (f: () => unknown, message: RegExp): void => {
      expect(f).toThrow(TorchletError);
      expect(f).toThrow(message);
    };
    const divisible = makeDivisible as (...args: unknown[]) => number;
    bad(() => divisible(3n, 3), /^makeDivisible: v must be a finite non-negative number, got 3n/);
    bad(() => divisible(8, Symbol('d')), /^makeDivisible: divisor must be a positive integer, got Symbol\(d\)/);
    bad(() => divisible(8, 8, {}), /^makeDivisible: minValue must be an integer or null, got an Object/);
    const block =
      (...args: unknown[]) =>
      () =>
        new (InvertedResidual as new (...a: unknown[]) => unknown)(...args);
    bad(block(zeros([3]), 4, 1, 6), /^InvertedResidual: inp must be a positive integer, got a tensor of shape \[3\]/);
    bad(block(4, 4, Symbol('s'), 6), /^InvertedResidual: stride should be 1 or 2, got Symbol\(s\)/);
    bad(block(4, 4, 1, {}), /^InvertedResidual: expandRatio must be a positive number/);
    expect(new InvertedResidual(4, 4, 1, 6).useResConnect).toBe(true);
  });

  it('rejects bad options with named errors', () => {
    expect(() => resnet18({ numClasses: 0 })).toThrow('ResNet: numClasses must be a positive integer, got 0');
    expect(() => lenet({ dtype: 'int32' as 'float32' })).toThrow(/dtype must be 'float32' or 'float64'/);
    expect(() => nin({ inChannels: 0 })).toThrow(TorchletError);
    expect(() => new DenseNet({ blockConfig: [] })).toThrow(TorchletError);
  });
});
