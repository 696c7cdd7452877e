// Conv2d + BatchNorm2d (+ ReLU / ReLU6) folded into one convolution in evaluation mode without
// gradients: it really runs (the counters), it gives the layers' values to float32 rounding, the
// folded filters are recomputed exactly when something they depend on changes (a stale cache would
// be a silent wrong answer), and it steps aside wherever the layers must run as written.
import { isTracing, noGrad, relu, traceOps, variable } from '@torchlet/autograd';
import { Generator, rand, randn, type Tensor, TorchletError } from '@torchlet/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Module } from '../module.js';
import { SGD } from '../optim/sgd.js';
import { Parameter } from '../parameter.js';
import { ReLU } from './activation.js';
import { BatchNorm2d } from './batchnorm.js';
import { Conv2d, type Conv2dLayerOptions } from './conv.js';
import { convBatchNorm2d, fusionCounters } from './conv-bn-fusion.js';
import { ReLU6 } from './relu6.js';
import { Sequential } from './sequential.js';

type Activation = 'relu' | 'relu6' | 'none';

/** A BatchNorm with statistics and affine parameters away from (0, 1), so that folding matters. */
function statBn(c: number, seed: number, options: { affine?: boolean; eps?: number } = {}): BatchNorm2d {
  const g = new Generator(seed);
  const bn = new BatchNorm2d(c, options);
  bn.runningMean.copyInPlace(randn([c], { generator: g }));
  bn.runningVar.copyInPlace(rand([c], { generator: g }).mul(2).add(0.05));
  bn.weight?.data.copyInPlace(randn([c], { generator: g }));
  bn.bias?.data.copyInPlace(randn([c], { generator: g }));
  return bn;
}

function pair(
  cin: number,
  cout: number,
  k: number,
  options: Conv2dLayerOptions = {},
  seed = 0,
): { conv: Conv2d; bn: BatchNorm2d } {
  const conv = new Conv2d(cin, cout, k, { generator: new Generator(seed), ...options });
  return { conv, bn: statBn(cout, seed + 1) };
}

/** The layers as written, each module's own forward (never fused). */
function layered(conv: Conv2d, bn: BatchNorm2d, x: Tensor, activation: Activation): Tensor {
  return noGrad(() => {
    const y = bn.forward(conv.forward(x));
    if (activation === 'relu') return relu(y).data;
    if (activation === 'relu6') return new ReLU6().forward(y).data;
    return y.data;
  });
}

/** max |a - b| over max(1, max |b|): float32 rounding of a folded conv stays far below 1e-5. */
function relDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  let d = 0;
  let m = 1;
  for (let i = 0; i < y.length; i++) {
    d = Math.max(d, Math.abs(Number(x[i]) - Number(y[i])));
    m = Math.max(m, Math.abs(Number(y[i])));
  }
  return d / m;
}

function fusedRun<T>(fn: () => T): { value: T; forwards: number; folds: number } {
  const before = { ...fusionCounters };
  const value = fn();
  return {
    value,
    forwards: fusionCounters.fusedForwards - before.fusedForwards,
    folds: fusionCounters.folds - before.folds,
  };
}

const activations: [Activation, Module | null][] = [
  ['relu', new ReLU()],
  ['relu6', new ReLU6()],
  ['none', null],
];

describe('Sequential folds Conv2d, BatchNorm2d[, ReLU | ReLU6] in evaluation mode under noGrad', () => {
  it.each(activations)('activation %s: one fused forward, the layers values to float32 rounding', (activation, act) => {
    const { conv, bn } = pair(3, 8, 3, { padding: 1 });
    const net = new Sequential<Module>(conv, bn, ...(act === null ? [] : [act])).eval();
    const x = randn([2, 3, 9, 7], { generator: new Generator(5) }).mul(3);
    const r = fusedRun(() => noGrad(() => net.forward(x)));
    expect([r.forwards, r.folds]).toEqual([1, 1]);
    expect(relDiff(r.value.data, layered(conv, bn, x, activation))).toBeLessThan(1e-5);
    // Cached: the second forward computes no fold.
    const again = fusedRun(() => noGrad(() => net.forward(x)));
    expect([again.forwards, again.folds]).toEqual([1, 0]);
    expect(relDiff(again.value.data, r.value.data)).toBe(0);
  });

  it('keeps state-dict names and the module tree unchanged', () => {
    const { conv, bn } = pair(2, 4, 3);
    const net = new Sequential(conv, bn, new ReLU()).eval();
    const keys = Object.keys(net.stateDict());
    noGrad(() => net.forward(rand([1, 2, 5, 5])));
    expect(Object.keys(net.stateDict())).toEqual(keys);
    expect(keys).toEqual([
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '1.running_mean',
      '1.running_var',
      '1.num_batches_tracked',
    ]);
    expect(net.children()).toEqual([conv, bn, net.at(2)]);
  });

  it('folds every geometry the conv takes (bias, stride, dilation, groups, padding modes, affine off, float64)', () => {
    const cases: [number, number, number, Conv2dLayerOptions, { affine?: boolean; eps?: number }][] = [
      [4, 6, 3, { stride: 2, padding: 1, bias: true }, {}],
      [6, 6, 3, { groups: 6, padding: 1, bias: false }, {}],
      [4, 8, 3, { groups: 2, dilation: 2, padding: 2 }, { eps: 1e-3 }],
      [3, 5, [1, 3] as unknown as number, { padding: [0, 1], paddingMode: 'reflect' }, { affine: false }],
      [3, 4, 3, { padding: 'same', paddingMode: 'circular' }, {}],
      [5, 7, 1, { bias: false }, {}],
      [3, 4, 3, { padding: 1, dtype: 'float64' }, {}],
    ];
    for (const [i, [cin, cout, k, options, bnOptions]] of cases.entries()) {
      const conv = new Conv2d(cin, cout, k, { generator: new Generator(i), ...options });
      const bn = statBn(cout, 100 + i, bnOptions);
      if (options.dtype === 'float64') bn.to('cpu');
      const net = new Sequential<Module>(conv, bn, new ReLU6()).eval();
      if (options.dtype === 'float64') {
        // BatchNorm2d is float32 unless told: rebuild it in float64 for a float64 conv.
        const bn64 = new BatchNorm2d(cout, { dtype: 'float64' });
        bn64.loadStateDict(bn.stateDict());
        const net64 = new Sequential<Module>(conv, bn64, new ReLU6()).eval();
        const x = randn([2, cin, 8, 9], { generator: new Generator(i), dtype: 'float64' });
        const r = fusedRun(() => noGrad(() => net64.forward(x)));
        expect(r.forwards, `case ${i}`).toBe(1);
        expect(r.value.dtype).toBe('float64');
        expect(relDiff(r.value.data, layered(conv, bn64, x, 'relu6')), `case ${i}`).toBeLessThan(1e-12);
        continue;
      }
      const x = randn([2, cin, 8, 9], { generator: new Generator(i) }).mul(2);
      const r = fusedRun(() => noGrad(() => net.forward(x)));
      expect(r.forwards, `case ${i}`).toBe(1);
      expect(relDiff(r.value.data, layered(conv, bn, x, 'relu6')), `case ${i}`).toBeLessThan(1e-5);
    }
  });

  it('property: fused and layered agree for random geometries and statistics', () => {
    fc.assert(
      fc.property(
        fc.record({
          cin: fc.integer({ min: 1, max: 6 }),
          coutPerGroup: fc.integer({ min: 1, max: 4 }),
          groups: fc.integer({ min: 1, max: 3 }),
          k: fc.integer({ min: 1, max: 3 }),
          stride: fc.integer({ min: 1, max: 2 }),
          padding: fc.integer({ min: 0, max: 2 }),
          dilation: fc.integer({ min: 1, max: 2 }),
          bias: fc.boolean(),
          affine: fc.boolean(),
          act: fc.constantFrom<Activation>('relu', 'relu6', 'none'),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        (p) => {
          const cin = p.cin * p.groups;
          const cout = p.coutPerGroup * p.groups;
          const conv = new Conv2d(cin, cout, p.k, {
            stride: p.stride,
            padding: p.padding,
            dilation: p.dilation,
            groups: p.groups,
            bias: p.bias,
            generator: new Generator(p.seed),
          });
          const bn = statBn(cout, p.seed + 1, { affine: p.affine });
          const act = p.act === 'relu' ? [new ReLU()] : p.act === 'relu6' ? [new ReLU6()] : [];
          const net = new Sequential<Module>(conv, bn, ...act).eval();
          const size = p.dilation * (p.k - 1) + 1 + 3;
          const x = randn([2, cin, size, size + 1], { generator: new Generator(p.seed + 2) }).mul(4);
          const r = fusedRun(() => noGrad(() => net.forward(x)));
          expect(r.forwards).toBe(1);
          expect(relDiff(r.value.data, layered(conv, bn, x, p.act))).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 40, seed: 12 },
    );
  });

  it('fuses only the Conv2d, BatchNorm2d runs and runs every other child as written', () => {
    const a = pair(2, 4, 3, { padding: 1 }, 1);
    const b = pair(4, 4, 1, {}, 3);
    const net = new Sequential<Module>(a.conv, a.bn, new ReLU(), new ReLU6(), b.conv, b.bn, new Conv2d(4, 2, 1)).eval();
    const x = randn([1, 2, 6, 6], { generator: new Generator(9) });
    const r = fusedRun(() => noGrad(() => net.forward(x)));
    expect(r.forwards).toBe(2);
    const want = noGrad(() => {
      let y = layered(a.conv, a.bn, x, 'relu');
      y = y.clamp(0, 6);
      y = layered(b.conv, b.bn, y, 'none');
      return (net.at(6) as Conv2d).forward(y).data;
    });
    expect(relDiff(r.value.data, want)).toBeLessThan(1e-5);
  });
});

describe('the folded filters are recomputed exactly when what they depend on changes', () => {
  function setup(): { net: Sequential<Module>; conv: Conv2d; bn: BatchNorm2d; x: Tensor } {
    const { conv, bn } = pair(3, 6, 3, { padding: 1, bias: true });
    const net = new Sequential<Module>(conv, bn, new ReLU6()).eval();
    const x = randn([2, 3, 6, 6], { generator: new Generator(4) }).mul(2);
    return { net, conv, bn, x };
  }

  /** Runs the net fused and checks it against the layers as they are now. */
  function check(s: ReturnType<typeof setup>, folds: number): void {
    const r = fusedRun(() => noGrad(() => s.net.forward(s.x)));
    expect(r.forwards).toBe(1);
    expect(r.folds).toBe(folds);
    expect(relDiff(r.value.data, layered(s.conv, s.bn, s.x, 'relu6'))).toBeLessThan(1e-5);
  }

  const mutations: [string, (s: ReturnType<typeof setup>) => void][] = [
    ['conv weight changed in place', (s) => s.conv.weight.data.mulInPlace(-0.5)],
    ['one conv weight element set', (s) => s.conv.weight.data.set('0, 0, 1, 1', 7)],
    ['conv bias changed in place', (s) => s.conv.bias?.data.addInPlace(3)],
    ['BatchNorm weight changed in place', (s) => s.bn.weight?.data.mulInPlace(2)],
    ['BatchNorm bias changed in place', (s) => s.bn.bias?.data.subInPlace(1)],
    ['running mean changed in place', (s) => s.bn.runningMean.addInPlace(0.5)],
    ['running var changed in place', (s) => s.bn.runningVar.mulInPlace(3)],
    [
      'raw storage written, then bumpVersion',
      (s) => {
        const t = s.bn.runningMean;
        (t.data as Float32Array)[2] += 5;
        t.bumpVersion();
      },
    ],
    [
      'conv weight replaced by a new Parameter',
      (s) => {
        s.conv.weight = new Parameter(s.conv.weight.data.mul(2));
      },
    ],
    [
      'eps changed',
      (s) => {
        (s.bn as { eps: number }).eps = 0.5;
      },
    ],
    [
      'loadStateDict from another model',
      (s) => {
        const other = setup();
        other.conv.weight.data.copyInPlace(randn(other.conv.weight.shape, { generator: new Generator(77) }));
        other.bn.runningVar.copyInPlace(rand([6], { generator: new Generator(78) }).add(0.1));
        s.net.loadStateDict(other.net.stateDict());
      },
    ],
    [
      'a training-mode forward updates the running statistics',
      (s) => {
        s.net.train();
        s.net.forward(s.x.mul(3).add(1));
        s.net.eval();
      },
    ],
    [
      'an SGD step',
      (s) => {
        const opt = new SGD(s.net.parameters(), { lr: 0.1 });
        s.net.train();
        s.net.forward(s.x).sum().backward();
        opt.step();
        s.net.eval();
      },
    ],
  ];

  it.each(mutations)('%s', (_, mutate) => {
    const s = setup();
    check(s, 1);
    check(s, 0);
    mutate(s);
    check(s, 1);
    check(s, 0);
  });

  it('leaves the cache alone across eval/train flips without a change of values', () => {
    const s = setup();
    check(s, 1);
    s.net.train();
    s.net.eval();
    // A training-mode pass without forward changes nothing, but the pair dropped no copy either:
    // nothing ran in training mode.
    check(s, 0);
  });
});

describe('the layers run as written where folding would change what they give', () => {
  it('in training mode (batch statistics)', () => {
    const { conv, bn } = pair(2, 3, 3);
    const net = new Sequential(conv, bn, new ReLU());
    const r = fusedRun(() => noGrad(() => net.forward(randn([2, 2, 5, 5]))));
    expect(r.forwards).toBe(0);
  });

  it('with gradients wanted: the conv weight and the BatchNorm parameters get their gradients', () => {
    const { conv, bn } = pair(2, 3, 3);
    const net = new Sequential(conv, bn, new ReLU()).eval();
    const x = randn([2, 2, 5, 5], { generator: new Generator(1) });
    const r = fusedRun(() => net.forward(x));
    expect(r.forwards).toBe(0);
    r.value.sum().backward();
    expect(conv.weight.grad).not.toBeNull();
    expect(bn.weight?.grad).not.toBeNull();
  });

  it('with an input requiring grad even when every parameter is frozen', () => {
    const { conv, bn } = pair(2, 3, 3);
    for (const p of [conv.weight, conv.bias, bn.weight, bn.bias]) if (p) p.requiresGrad = false;
    const net = new Sequential(conv, bn).eval();
    const x = variable(randn([1, 2, 5, 5]), { requiresGrad: true });
    expect(fusedRun(() => net.forward(x)).forwards).toBe(0);
    // Frozen parameters and a constant input: nothing can want a gradient, so it folds.
    expect(fusedRun(() => net.forward(x.data)).forwards).toBe(1);
  });

  it('while traceOps records the model (the ONNX exporter sees conv2d and the BatchNorm)', () => {
    const { conv, bn } = pair(2, 3, 3);
    const net = new Sequential(conv, bn, new ReLU6()).eval();
    const names: string[] = [];
    const r = fusedRun(() =>
      traceOps(
        () => noGrad(() => net.forward(randn([1, 2, 5, 5]))),
        (op) => names.push(op.name),
      ),
    );
    expect(r.forwards).toBe(0);
    expect(names[0]).toBe('conv2d');
    expect(names).toContain('relu6');
    expect(isTracing()).toBe(false);
  });

  it('when a layer has its own forward (a hook-like patch on the instance)', () => {
    const { conv, bn } = pair(2, 3, 3);
    const net = new Sequential(conv, bn).eval();
    let calls = 0;
    const original = bn.forward.bind(bn);
    bn.forward = (x) => {
      calls++;
      return original(x);
    };
    const r = fusedRun(() => noGrad(() => net.forward(randn([1, 2, 5, 5]))));
    expect([r.forwards, calls]).toEqual([0, 1]);
  });

  it('on inputs the layers reject, which then throw the layers own errors', () => {
    const { conv, bn } = pair(2, 3, 3);
    const net = new Sequential(conv, bn).eval();
    // Conv2d takes [C, H, W]; BatchNorm2d does not.
    expect(() => noGrad(() => net.forward(randn([2, 5, 5])))).toThrow(/BatchNorm2d.*4-D/);
    expect(() => noGrad(() => net.forward(randn([1, 3, 5, 5])))).toThrow(/Conv2d.*2 channels/);
    const mismatch = new Sequential(new Conv2d(2, 3, 1), new BatchNorm2d(4)).eval();
    expect(() => noGrad(() => mismatch.forward(randn([1, 2, 5, 5])))).toThrow(/BatchNorm2d.*4 channels/);
    expect(() => noGrad(() => net.forward(randn([1, 2, 5, 5], { dtype: 'float64' })))).toThrow(TorchletError);
  });
});

describe('convBatchNorm2d', () => {
  it('folds the named pair with its activation, and runs the layers as written in training mode', () => {
    const { conv, bn } = pair(3, 4, 3, { padding: 1 });
    conv.eval();
    bn.eval();
    const x = randn([1, 3, 5, 5], { generator: new Generator(3) }).mul(2);
    for (const activation of ['relu', 'relu6', 'none'] as const) {
      const r = fusedRun(() => noGrad(() => convBatchNorm2d(x, conv, bn, { activation })));
      expect(r.forwards).toBe(1);
      expect(relDiff(r.value.data, layered(conv, bn, x, activation))).toBeLessThan(1e-5);
    }
    conv.train();
    bn.train();
    const r = fusedRun(() => convBatchNorm2d(x, conv, bn, { activation: 'relu' }));
    expect(r.forwards).toBe(0);
    expect(Math.min(...(r.value.data.toTypedArray() as Float32Array))).toBe(0);
  });

  it('rejects what is not a Conv2d, a BatchNorm2d or an activation name', () => {
    const { conv, bn } = pair(3, 4, 3);
    const x = randn([1, 3, 5, 5]);
    expect(() => convBatchNorm2d(x, bn as unknown as Conv2d, bn)).toThrow(
      /convBatchNorm2d: expected a Conv2d, got BatchNorm2d/,
    );
    expect(() => convBatchNorm2d(x, conv, conv as unknown as BatchNorm2d)).toThrow(TorchletError);
    expect(() => convBatchNorm2d(x, conv, bn, { activation: 'gelu' as 'relu' })).toThrow(/activation must be/);
  });
});
