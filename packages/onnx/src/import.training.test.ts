import { type Variable, variable } from '@torchlet/autograd';
import {
  type AnyModule,
  BatchNorm2d,
  Conv2d,
  crossEntropy,
  Dropout,
  Flatten,
  Linear,
  ReLU,
  Sequential,
  SGD,
} from '@torchlet/nn';
import { Generator, randn, type Tensor, TorchletError, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { float, floats, modelBytes, value } from '../test/build.js';
import { exportOnnx, importOnnx, type OnnxModel } from './index.js';

// Training an imported model: train() switches BatchNormalization to batch statistics (updating
// the running statistics as nn's BatchNorm2d) and Dropout to masks, so one SGD step on the
// imported model equals one on the torchlet original, parameter by parameter (the exporter keeps
// the state-dict names).

const g = new Generator(21);

function maxDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return a.sub(b).abs().max().item() as number;
}

function randomizeBatchNorms(m: AnyModule): void {
  for (const sub of m.modules()) {
    if (!(sub instanceof BatchNorm2d)) continue;
    const c = sub.numFeatures;
    sub.weight?.data.copyInPlace(randn([c], { generator: g }).mul(0.2).add(1));
    sub.bias?.data.copyInPlace(randn([c], { generator: g }).mul(0.2));
    sub.runningMean.copyInPlace(randn([c], { generator: g }).mul(0.2));
    sub.runningVar.copyInPlace(randn([c], { generator: g }).abs().mul(0.5).add(0.5));
  }
}

/** One SGD step (momentum, weight decay) on cross-entropy; returns the loss. */
function step(model: { forward(x: Tensor): Variable; parameters(): Variable[] }, x: Tensor, target: Tensor): number {
  const opt = new SGD(model.parameters() as never, { lr: 0.1, momentum: 0.9, weightDecay: 1e-3 });
  opt.zeroGrad();
  const loss = crossEntropy(model.forward(x), target);
  loss.backward();
  opt.step();
  return loss.item() as number;
}

describe('an imported model trains as its original', () => {
  it('starts in evaluation mode and switches with train()', () => {
    const net = new Sequential(new Conv2d(2, 3, 3), new BatchNorm2d(3));
    randomizeBatchNorms(net);
    const x = randn([2, 2, 5, 5], { generator: g });
    const model = importOnnx(exportOnnx(net, [x]));
    expect(model.training).toBe(false);
    net.eval();
    expect(maxDiff(model.forward(x).data, net.forward(x).data)).toBeLessThan(1e-5);
    model.train();
    net.train();
    expect(maxDiff(model.forward(x).data, net.forward(x).data)).toBeLessThan(1e-5);
  });

  it('one SGD step: the same loss, parameters and running statistics (momentum from the node)', () => {
    const net = new Sequential(
      new Conv2d(3, 4, 3, { padding: 1 }),
      new BatchNorm2d(4, { momentum: 0.3 }),
      new ReLU(),
      new Conv2d(4, 4, 3, { stride: 2 }),
      new BatchNorm2d(4, { eps: 1e-3 }),
      new ReLU(),
      new Flatten(),
      new Linear(36, 5),
    );
    randomizeBatchNorms(net);
    const x = randn([4, 3, 8, 8], { generator: g });
    const target = tensor(Int32Array.from([0, 3, 1, 4]), { dtype: 'int32' });
    const model = importOnnx(exportOnnx(net, [x]));
    model.train();
    net.train();
    const lossModel = step(model, x, target);
    const lossNet = step(net, x, target);
    expect(Math.abs(lossModel - lossNet)).toBeLessThan(1e-5);
    const imported = model.stateDict();
    const original = net.stateDict();
    // num_batches_tracked is not part of an ONNX graph; everything else is, under the same names.
    const names = Object.keys(original).filter((k) => !k.endsWith('num_batches_tracked'));
    expect(Object.keys(imported).sort()).toEqual([...names].sort());
    for (const name of names) expect(maxDiff(imported[name], original[name])).toBeLessThan(2e-5);
    // The statistics really moved (momentum 0.3 for the first BatchNorm).
    expect(maxDiff(imported['1.running_mean'], tensor([0, 0, 0, 0]))).toBeGreaterThan(0);
    model.eval();
    net.eval();
    expect(maxDiff(model.forward(x).data, net.forward(x).data)).toBeLessThan(1e-4);
  });
});

describe('Dropout in an imported model', () => {
  const x = randn([3, 40], { generator: g });

  function dropoutModel(opset: number, ratio: number, withMask: boolean): Uint8Array {
    const ratioInput = opset >= 12 ? [floats('ratio', [], [ratio])] : [];
    return modelBytes({
      opset,
      nodes: [
        {
          op: 'Dropout',
          inputs: opset >= 12 ? ['x', 'ratio'] : ['x'],
          outputs: withMask ? ['y', 'mask'] : ['y'],
          attrs: opset >= 12 ? [] : [float('ratio', ratio)],
        },
      ],
      inputs: [value('x', [3, 40])],
      outputs: withMask ? [value('y', [3, 40]), value('mask', [3, 40], 9)] : [value('y', [3, 40])],
      initializers: ratioInput,
    });
  }

  for (const opset of [11, 13]) {
    it(`honours the ratio in training with a seeded generator, as nn's Dropout (opset ${opset})`, () => {
      const model = importOnnx(dropoutModel(opset, 0.3, false), { generator: new Generator(5) });
      expect(model.forward(x).data.equal(x)).toBe(true);
      model.train();
      const want = new Dropout(0.3, { generator: new Generator(5) }).forward(x).data;
      const got = model.forward(x).data;
      expect(got.equal(want)).toBe(true);
      const zeros = got.eq(0).sum().item() as number;
      expect(zeros).toBeGreaterThan(10);
      expect(zeros).toBeLessThan(70);
    });
  }

  it('returns the mask and passes gradients through the kept elements', () => {
    const model: OnnxModel = importOnnx(dropoutModel(13, 0.5, true), { generator: new Generator(9) });
    model.train();
    const xv = variable(x, { requiresGrad: true });
    const [y, mask] = model.run(xv);
    y.sum().backward();
    const keep = mask.data.to('float32');
    expect(y.data.equal(x.mul(keep).mul(2))).toBe(true);
    expect(xv.grad?.equal(keep.mul(2))).toBe(true);
  });

  it('rejects a bad generator and a bad ratio with named errors', () => {
    expect(() => importOnnx(dropoutModel(13, 0.5, false), { generator: 3 as unknown as Generator })).toThrow(
      /importOnnx: expected a Generator/,
    );
    const bad = importOnnx(dropoutModel(13, 1.5, false));
    bad.train();
    expect(() => bad.forward(x)).toThrow(TorchletError);
    expect(() => bad.forward(x)).toThrow(/ratio 1.5 must be in \[0, 1\]/);
  });
});

describe('what cannot train', () => {
  it('BatchNormalization over computed statistics throws a named error in training only', () => {
    const bytes = modelBytes({
      opset: 13,
      nodes: [
        { op: 'Identity', inputs: ['m0'], outputs: ['m'] },
        {
          op: 'BatchNormalization',
          name: 'bn_computed',
          inputs: ['x', 'scale', 'b', 'm', 'v'],
          outputs: ['y'],
          attrs: [float('epsilon', 1e-5)],
        },
      ],
      inputs: [value('x', [2, 2, 2, 2])],
      outputs: [value('y', [2, 2, 2, 2])],
      initializers: [
        floats('m0', [2], [0.1, -0.2]),
        floats('scale', [2], [1, 2]),
        floats('b', [2], [0, 1]),
        floats('v', [2], [1, 2]),
      ],
    });
    const model = importOnnx(bytes);
    const xs = randn([2, 2, 2, 2], { generator: g });
    expect(model.forward(xs).shape).toEqual([2, 2, 2, 2]);
    model.train();
    expect(() => model.forward(xs)).toThrow(TorchletError);
    expect(() => model.forward(xs)).toThrow(/bn_computed.*cannot train: the running statistics/);
  });
});
