// ResNet's blocks and MobileNetV2's Conv2dNormActivation / projection run every Conv2d + BatchNorm2d
// pair as one folded convolution in evaluation mode under noGrad (no BatchNorm2d forward runs at
// all), give the layers' values to float32 rounding, and follow every change of the weights: the
// unfused reference is the same model with gradients wanted (every parameter requires grad).
import { noGrad, type Variable } from '@torchlet/autograd';
import { type AnyModule, BatchNorm2d, SGD } from '@torchlet/nn';
import { Generator, randn, type Tensor } from '@torchlet/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Bottleneck, googlenet, mobilenetV2, ResNet, resnet18 } from '../src/index.js';
import { fillModel, formulaInput } from './fill.js';

afterEach(() => {
  vi.restoreAllMocks();
});

// The models golden tests' tolerance against torchvision: fused and unfused differ from PyTorch by
// the same float32 rounding (MobileNetV2 on the golden input: 1.5e-5 fused, 1.4e-5 unfused, of
// max |logit|), and from each other by as much (2e-5): 52 layers of rounding, nothing more.
const TOLERANCE = 2e-4;

function relDiff(a: Tensor, b: Tensor): number {
  const x = a.toTypedArray() as Float32Array;
  const y = b.toTypedArray() as Float32Array;
  let d = 0;
  let m = 0;
  for (let i = 0; i < y.length; i++) {
    d = Math.max(d, Math.abs(x[i] - y[i]));
    m = Math.max(m, Math.abs(y[i]));
  }
  return d / m;
}

function forward(model: AnyModule, x: Tensor): Variable {
  return (model.forward as (x: Tensor) => Variable).call(model, x);
}

/** The eval forward under noGrad, counting BatchNorm2d forwards (0 when every pair is folded). */
function fused(model: AnyModule, x: Tensor): { y: Tensor; bnCalls: number } {
  const spy = vi.spyOn(BatchNorm2d.prototype, 'forward');
  const y = noGrad(() => forward(model, x)).data;
  const bnCalls = spy.mock.calls.length;
  spy.mockRestore();
  return { y, bnCalls };
}

/** The same eval forward with gradients wanted: every layer runs as written. */
function unfused(model: AnyModule, x: Tensor): { y: Tensor; bnCalls: number } {
  const spy = vi.spyOn(BatchNorm2d.prototype, 'forward');
  const y = forward(model, x).data;
  const bnCalls = spy.mock.calls.length;
  spy.mockRestore();
  return { y, bnCalls };
}

const models: [string, () => AnyModule, number][] = [
  ['resnet18', () => resnet18({ numClasses: 10, generator: new Generator(0) }), 20],
  [
    'bottleneck ResNet',
    () => new ResNet(Bottleneck, [1, 1, 1, 1], { numClasses: 10, generator: new Generator(0) }),
    17,
  ],
  ['mobilenetV2', () => mobilenetV2({ numClasses: 10, generator: new Generator(0) }), 52],
  ['googlenet', () => googlenet({ numClasses: 10, auxLogits: false, generator: new Generator(0) }), 57],
];

describe.each(models)('%s folds every Conv2d + BatchNorm2d in evaluation mode under noGrad', (_, build, bns) => {
  it('runs no BatchNorm2d forward and gives the unfused logits to float32 rounding', { timeout: 120_000 }, () => {
    const model = build();
    fillModel(model);
    model.eval();
    const x = formulaInput([2, 3, 64, 64]);
    const a = fused(model, x);
    const b = unfused(model, x);
    expect(a.bnCalls).toBe(0);
    expect(b.bnCalls).toBe(bns);
    expect(model.modules().filter((m) => m instanceof BatchNorm2d).length).toBe(bns);
    expect(relDiff(a.y, b.y)).toBeLessThan(TOLERANCE);
  });

  it('follows loadStateDict, in-place edits, training steps and train/eval switches', { timeout: 120_000 }, () => {
    const model = build();
    fillModel(model);
    model.eval();
    const x = formulaInput([1, 3, 64, 64]);
    const check = (): void => {
      const a = fused(model, x);
      expect(a.bnCalls).toBe(0);
      expect(relDiff(a.y, unfused(model, x).y)).toBeLessThan(TOLERANCE);
    };
    check();
    // Weights from another model.
    const other = build();
    model.loadStateDict(other.stateDict());
    check();
    // An in-place edit of one BatchNorm's running variance and of one conv's filters.
    const bn = model.modules().filter((m) => m instanceof BatchNorm2d)[3] as BatchNorm2d;
    bn.runningVar.mulInPlace(0.25);
    check();
    model.parameters()[0].data.mulInPlace(-1);
    check();
    // Training mode: batch statistics update the running ones; then an SGD step.
    model.train();
    const opt = new SGD(model.parameters(), { lr: 0.05 });
    forward(model, randn([2, 3, 64, 64], { generator: new Generator(1) }))
      .sum()
      .backward();
    opt.step();
    model.eval();
    check();
  });
});
