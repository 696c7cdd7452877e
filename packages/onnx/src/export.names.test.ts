import { readFileSync } from 'node:fs';
import type { Variable } from '@torchlet/autograd';
import {
  type AnyModule,
  BatchNorm2d,
  batchNorm,
  Conv2d,
  Flatten,
  Linear,
  Module,
  type ModuleInput,
  ReLU,
  Sequential,
} from '@torchlet/nn';
import { Generator, ones, randn, type Tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { runOrt } from '../test/ort.js';
import { exportOnnx } from './index.js';
import { decodeModel } from './proto/codec.js';
import type { ModelProto } from './proto/types.js';
import { flatValues } from './tensor-data.js';

// Initializer names against torch.onnx.export's for the same modules (test/fixtures/export-names.py, writing test/golden/export-names.json):
// every parameter and BatchNorm running statistic keeps its state-dict name, and BatchNormalization
// nodes read them with the module's epsilon and momentum, as PyTorch writes them.

interface NamesCase {
  readonly name: string;
  readonly input: number[];
  readonly initializers: string[];
  readonly batchNorms: { inputs: (string | null)[]; epsilon: number; momentum: number }[];
}

const fixture = new URL('../test/golden/export-names.json', import.meta.url);
const { cases } = JSON.parse(readFileSync(fixture, 'utf8')) as { cases: NamesCase[] };
const g = new Generator(11);

function randomize(m: AnyModule): AnyModule {
  for (const sub of m.modules()) {
    if (!(sub instanceof BatchNorm2d)) continue;
    const c = sub.numFeatures;
    sub.weight?.data.copyInPlace(randn([c], { generator: g }).mul(0.2).add(1));
    sub.bias?.data.copyInPlace(randn([c], { generator: g }).mul(0.2));
    sub.runningMean.copyInPlace(randn([c], { generator: g }).mul(0.2));
    sub.runningVar.copyInPlace(randn([c], { generator: g }).abs().mul(0.5).add(0.5));
  }
  return m.eval();
}

const builders: Record<string, () => AnyModule> = {
  'conv-bn-relu-bn-linear': () =>
    new Sequential(
      new Conv2d(3, 4, 3),
      new BatchNorm2d(4),
      new ReLU(),
      new BatchNorm2d(4, { momentum: 0.3, eps: 1e-3 }),
      new Flatten(),
      new Linear(144, 5),
    ),
  'bn-cumulative': () => new BatchNorm2d(3, { momentum: null }),
  'conv-bn-no-affine': () =>
    new Sequential(new Conv2d(2, 3, 1, { bias: false }), new BatchNorm2d(3, { affine: false })),
};

/** The largest relative difference (to 1 + |want|). */
function worst(got: ArrayLike<number>, want: readonly number[]): number {
  expect(got.length).toBe(want.length);
  let w = 0;
  for (let i = 0; i < want.length; i++) w = Math.max(w, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  return w;
}

/** What the test compares: state-dict-named initializers (sorted) and each BatchNormalization's named inputs and attributes. */
export function exportedNames(proto: ModelProto, stateKeys: ReadonlySet<string>) {
  const graph = proto.graph;
  const initializers = (graph?.initializer ?? []).map((t) => t.name).filter((n) => stateKeys.has(n));
  const batchNorms = (graph?.node ?? [])
    .filter((n) => n.op_type === 'BatchNormalization')
    .map((n) => {
      const attr = (name: string) => n.attribute?.find((a) => a.name === name)?.f;
      return {
        inputs: (n.input ?? []).slice(1).map((i) => (stateKeys.has(i) ? i : null)),
        epsilon: attr('epsilon'),
        momentum: attr('momentum'),
      };
    });
  return { initializers: [...initializers].sort(), batchNorms };
}

describe('exportOnnx names parameters and buffers as torch.onnx.export does', () => {
  it('has a builder for every generated case but resnet18 (test/onnx-vision.test.ts)', () => {
    expect(cases.map((c) => c.name).filter((n) => n !== 'resnet18')).toEqual(Object.keys(builders));
  });

  for (const c of cases.filter((c) => c.name in builders)) {
    it(c.name, async () => {
      const model = randomize(builders[c.name]());
      const x = randn(c.input, { generator: g });
      const bytes = exportOnnx(model, [x]);
      const got = exportedNames(decodeModel('test', bytes), new Set(Object.keys(model.stateDict())));
      expect(got.initializers).toEqual([...c.initializers].sort());
      expect(got.batchNorms.map((b) => b.inputs)).toEqual(c.batchNorms.map((b) => b.inputs));
      got.batchNorms.forEach((b, i) => {
        expect(b.epsilon).toBeCloseTo(c.batchNorms[i].epsilon, 9);
        expect(b.momentum).toBeCloseTo(c.batchNorms[i].momentum, 7);
      });
      // The named statistics with epsilon compute what torchlet does.
      const [ort] = await runOrt(bytes, [x]);
      const y = (model as unknown as { forward(x: Tensor): Variable }).forward(x);
      expect(worst(ort.data, flatValues(y.data))).toBeLessThan(2e-5);
    });
  }

  it('writes each running statistic once when a BatchNorm runs twice', () => {
    const bn = new BatchNorm2d(2);
    randomize(bn);
    class Twice extends Module {
      readonly bn = bn;
      forward(x: ModuleInput): Variable {
        return this.bn.forward(this.bn.forward(x));
      }
    }
    const proto = decodeModel('test', exportOnnx(new Twice(), [randn([1, 2, 3, 3], { generator: g })]));
    const names = (proto.graph?.initializer ?? []).map((t) => t.name);
    expect(names.filter((n) => n === 'bn.running_mean')).toHaveLength(1);
    expect(names.filter((n) => n.startsWith('bn.running_var'))).toEqual(['bn.running_var']);
  });

  it('keeps anonymous statistics (epsilon folded into the variance) for the functional form on loose tensors', async () => {
    const mean = randn([3], { generator: g }).mul(0.1);
    const variance: Tensor = ones([3]).add(randn([3], { generator: g }).abs());
    class Functional extends Module {
      forward(x: ModuleInput): Variable {
        return batchNorm(x, mean, variance, null, null, { eps: 1e-3 });
      }
    }
    const m = new Functional();
    const x = randn([2, 3, 2, 2], { generator: g });
    const bytes = exportOnnx(m, [x]);
    const node = decodeModel('test', bytes).graph?.node?.find((n) => n.op_type === 'BatchNormalization');
    expect(node?.attribute?.find((a) => a.name === 'epsilon')?.f).toBe(0);
    const [ort] = await runOrt(bytes, [x]);
    expect(worst(ort.data, flatValues(m.forward(x).data))).toBeLessThan(1e-5);
  });
});
