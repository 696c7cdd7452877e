import type { Variable } from '@torchlet/autograd';
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  MaxPool2d,
  type Module,
  ReLU,
  ReLU6,
  Sequential,
  Sigmoid,
} from '@torchlet/nn';
import { Generator, randn, TorchletError } from '@torchlet/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runOrt } from '../test/ort.js';
import { exportOnnx, importOnnx } from './index.js';
import { flatValues } from './tensor-data.js';

// Random small CNNs (convolutions, transposed convolutions, pools and activations with random
// options, at a random opset, with or without a dynamic batch) give onnxruntime torchlet's outputs.

const layer = fc.oneof(
  fc.record({
    kind: fc.constant('conv' as const),
    out: fc.integer({ min: 1, max: 4 }),
    k: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    padding: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant('same' as const)),
    dilation: fc.integer({ min: 1, max: 2 }),
    grouped: fc.boolean(),
    bias: fc.boolean(),
    mode: fc.constantFrom('zeros', 'reflect', 'replicate', 'circular'),
  }),
  fc.record({
    kind: fc.constant('convT' as const),
    out: fc.integer({ min: 1, max: 3 }),
    k: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    padding: fc.integer({ min: 0, max: 1 }),
    outputPadding: fc.integer({ min: 0, max: 1 }),
  }),
  fc.record({
    kind: fc.constantFrom('max' as const, 'avg' as const),
    k: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    padding: fc.integer({ min: 0, max: 1 }),
    ceil: fc.boolean(),
    countIncludePad: fc.boolean(),
  }),
  fc.record({ kind: fc.constantFrom('relu' as const, 'relu6' as const, 'sigmoid' as const, 'bn' as const) }),
);

type LayerSpec = typeof layer extends fc.Arbitrary<infer T> ? T : never;

function build(specs: readonly LayerSpec[], channels: number, g: Generator): Sequential {
  let c = channels;
  const layers: Module[] = specs.map((s): Module => {
    switch (s.kind) {
      case 'conv': {
        const groups = s.grouped && c % 2 === 0 ? 2 : 1;
        const out = groups === 2 ? 2 * s.out : s.out;
        const padding = s.padding === 'same' && s.stride !== 1 ? 1 : s.padding;
        const m = new Conv2d(c, out, s.k, {
          stride: s.stride,
          padding,
          dilation: s.dilation,
          groups,
          bias: s.bias,
          paddingMode: s.mode,
          generator: g,
        });
        c = out;
        return m;
      }
      case 'convT': {
        const m = new ConvTranspose2d(c, s.out, s.k, {
          stride: s.stride,
          padding: s.padding,
          outputPadding: s.outputPadding < s.stride ? s.outputPadding : 0,
          generator: g,
        });
        c = s.out;
        return m;
      }
      case 'max':
        return new MaxPool2d(s.k, {
          stride: s.stride,
          padding: Math.min(s.padding, Math.floor(s.k / 2)),
          ceilMode: s.ceil,
        });
      case 'avg':
        return new AvgPool2d(s.k, {
          stride: s.stride,
          padding: Math.min(s.padding, Math.floor(s.k / 2)),
          ceilMode: s.ceil,
          countIncludePad: s.countIncludePad,
        });
      case 'bn': {
        const bn = new BatchNorm2d(c);
        bn.runningMean.copyInPlace(randn([c], { generator: g }));
        bn.runningVar.copyInPlace(randn([c], { generator: g }).abs().add(0.5));
        return bn;
      }
      case 'relu':
        return new ReLU();
      case 'relu6':
        return new ReLU6();
      default:
        return new Sigmoid();
    }
  });
  return new Sequential(...layers);
}

describe('exportOnnx property: random CNNs run in onnxruntime with torchlet outputs', () => {
  it('holds for random layers, options, opsets and batch handling', async () => {
    let exported = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(layer, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 5, max: 9 }),
        fc.integer({ min: 5, max: 9 }),
        fc.constantFrom(11, 12, 13, 14, 15, 16, 17),
        fc.boolean(),
        fc.nat(1000),
        async (specs, batch, channels, height, width, opset, dynamic, seed) => {
          const g = new Generator(seed);
          const net = build(specs, channels, g).eval();
          const x = randn([batch, channels, height, width], { generator: g });
          let want: Variable;
          try {
            want = net.forward(x);
          } catch (e) {
            // A combination torchlet rejects (an output size below 1, say): nothing to export.
            if (e instanceof TorchletError) return;
            throw e;
          }
          const bytes = exportOnnx(net, [x], { opset, dynamicBatch: dynamic });
          exported++;
          const [out] = await runOrt(bytes, [x]);
          expect(out.dims).toEqual([...want.shape]);
          const w = flatValues(want.data);
          const back = flatValues(importOnnx(bytes).forward(x).data);
          for (let i = 0; i < w.length; i++) {
            expect(Math.abs(out.data[i] - w[i])).toBeLessThan(1e-4 * (1 + Math.abs(w[i])));
            expect(Math.abs(back[i] - w[i])).toBeLessThan(1e-5 * (1 + Math.abs(w[i])));
          }
        },
      ),
      { numRuns: 40 },
    );
    expect(exported).toBeGreaterThan(10);
  });
});
