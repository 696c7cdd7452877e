import { readFileSync } from 'node:fs';
import type { Variable } from '@torchlet/autograd';
import { type AnyModule, BatchNorm2d, crossEntropy, SGD } from '@torchlet/nn';
import { exportOnnx, importOnnx } from '@torchlet/onnx';
import { Generator, randn, type Tensor, tensor } from '@torchlet/tensor';
import {
  alexnet,
  densenet121,
  googlenet,
  lenet,
  mobilenetV2,
  nin,
  resnet18,
  resnet34,
  resnet50,
  vgg11Bn,
} from '@torchlet/vision';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';

// Every model family of @torchlet/vision through ONNX: exportOnnx -> onnxruntime-node gives
// torchlet's outputs (at another batch size too, with dynamicBatch), and importOnnx of the same
// bytes gives them again. A repo-level test, because it depends on both layer-5 packages.

const g = new Generator(3);

function worstRelative(got: ArrayLike<number>, want: Tensor): number {
  const c = want.contiguous();
  let worst = 0;
  for (let i = 0; i < c.numel; i++) {
    const w = Number(c.data[c.offset + i]);
    worst = Math.max(worst, Math.abs(got[i] - w) / (1 + Math.abs(w)));
  }
  expect(got.length).toBe(c.numel);
  return worst;
}

/** Moves BatchNorm statistics away from (0, 1) so evaluation mode exercises them. */
function perturbBatchNorms(m: AnyModule): void {
  for (const sub of m.modules()) {
    if (!(sub instanceof BatchNorm2d) || !sub.trackRunningStats) continue;
    sub.runningMean.copyInPlace(randn([sub.numFeatures], { generator: g }).mul(0.1));
    sub.runningVar.copyInPlace(randn([sub.numFeatures], { generator: g }).abs().mul(0.2).add(0.9));
  }
}

async function runOrt(bytes: Uint8Array, x: Tensor): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes);
  const c = x.contiguous();
  const out = await session.run({
    input: new ort.Tensor('float32', c.data.subarray(c.offset, c.offset + c.numel) as Float32Array, [...x.shape]),
  });
  return out.output;
}

const models: [string, () => AnyModule, number[], boolean][] = [
  // name, factory, example input, also check another batch size (cheap models only)
  ['lenet', () => lenet({ generator: g }), [1, 1, 28, 28], true],
  ['nin', () => nin({ generator: g }), [1, 1, 96, 96], true],
  ['resnet18', () => resnet18({ numClasses: 10, generator: g }), [1, 3, 64, 64], true],
  ['resnet34', () => resnet34({ numClasses: 10, generator: g }), [1, 3, 48, 48], false],
  ['resnet50', () => resnet50({ numClasses: 10, generator: g }), [1, 3, 48, 48], false],
  ['mobilenetV2', () => mobilenetV2({ numClasses: 10, generator: g }), [1, 3, 64, 64], true],
  ['densenet121', () => densenet121({ numClasses: 10, generator: g }), [1, 3, 48, 48], false],
  ['googlenet', () => googlenet({ numClasses: 10, generator: g }), [1, 3, 64, 64], false],
  ['alexnet', () => alexnet({ numClasses: 10, generator: g }), [1, 3, 64, 64], false],
  // VGG's variants share one class; the BatchNorm one covers both paths (each runs 128M weights).
  ['vgg11Bn', () => vgg11Bn({ numClasses: 10, generator: g }), [1, 3, 32, 32], false],
];

describe('@torchlet/vision models through ONNX (onnxruntime-node and back)', () => {
  for (const [name, make, shape, otherBatch] of models) {
    it(name, async () => {
      const model = make();
      perturbBatchNorms(model);
      model.eval();
      const x = randn(shape, { generator: g });
      const want = model.forward(x).data;
      const bytes = exportOnnx(model, [x], { dynamicBatch: otherBatch });
      const out = await runOrt(bytes, x);
      expect([...out.dims]).toEqual([...want.shape]);
      expect(worstRelative(out.data as Float32Array, want)).toBeLessThan(1e-4);
      const back = importOnnx(bytes);
      const y = back.forward(x).data.contiguous();
      expect(worstRelative(y.data.subarray(y.offset, y.offset + y.numel) as Float32Array, want)).toBeLessThan(1e-5);
      expect(back.parameters().length).toBeGreaterThan(0);
      if (otherBatch) {
        const x3 = randn([3, ...shape.slice(1)], { generator: g });
        const want3 = model.forward(x3).data;
        expect(worstRelative((await runOrt(bytes, x3)).data as Float32Array, want3)).toBeLessThan(1e-4);
      }
    });
  }
});

// PyTorch's names for torchvision's resnet18 (packages/onnx/test/fixtures/export-names.py).
const torchNames = JSON.parse(
  readFileSync(new URL('../packages/onnx/test/golden/export-names.json', import.meta.url), 'utf8'),
) as { cases: { name: string; initializers: string[] }[] };

describe('resnet18 through ONNX: state-dict names and fine-tuning', () => {
  it("initializers carry the names torch.onnx.export gives torchvision's resnet18 (running statistics included)", () => {
    const model = resnet18({ numClasses: 10, generator: g });
    perturbBatchNorms(model);
    model.eval();
    const imported = importOnnx(exportOnnx(model, [randn([1, 3, 32, 32], { generator: g })]));
    const want = torchNames.cases.find((c) => c.name === 'resnet18')?.initializers ?? [];
    expect(want.length).toBe(102);
    expect(Object.keys(imported.stateDict()).sort()).toEqual([...want].sort());
  });

  it('one SGD step on the imported model in train() equals one on the original (loss, parameters, running statistics)', () => {
    const original = resnet18({ numClasses: 10, generator: g });
    perturbBatchNorms(original);
    const x = randn([4, 3, 32, 32], { generator: g });
    const target = tensor(Int32Array.from([1, 7, 3, 0]), { dtype: 'int32' });
    const imported = importOnnx(exportOnnx(original, [x]));
    const before = original.stateDict()['layer1.0.bn1.running_mean'].clone();
    const losses: number[] = [];
    for (const m of [original, imported] as unknown as {
      forward(x: Tensor): Variable;
      parameters(): Variable[];
      train(): void;
    }[]) {
      m.train();
      const opt = new SGD(m.parameters() as never, { lr: 0.05, momentum: 0.9 });
      opt.zeroGrad();
      const loss = crossEntropy(m.forward(x), target);
      loss.backward();
      opt.step();
      losses.push(loss.item() as number);
    }
    expect(Math.abs(losses[0] - losses[1])).toBeLessThan(1e-4);
    const want = original.stateDict();
    const got = imported.stateDict();
    const names = Object.keys(want).filter((k) => !k.endsWith('num_batches_tracked'));
    expect(Object.keys(got).sort()).toEqual([...names].sort());
    for (const name of names) {
      const diff = got[name].sub(want[name]).abs().max().item() as number;
      const scale = want[name].abs().max().item() as number;
      expect(diff, name).toBeLessThan(1e-4 * (1 + scale));
    }
    // The step moved the running statistics (checked equal above) away from the perturbed values.
    const moved = want['layer1.0.bn1.running_mean'].sub(before).abs().max().item() as number;
    expect(moved).toBeGreaterThan(1e-3);
  });
});
