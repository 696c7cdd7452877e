import {
  add,
  corr2dMultiIn,
  corr2dMultiInOut,
  corr2dMultiInOut1x1,
  div,
  interpolate,
  mul,
  relu,
  sub,
  type Variable,
} from '@torchlet/autograd';
import {
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  type AnyModule,
  AvgPool2d,
  BatchNorm2d,
  BCEWithLogitsLoss,
  Conv2D,
  Conv2d,
  ConvTranspose2d,
  CrossEntropyLoss,
  Dropout,
  Flatten,
  Identity,
  Linear,
  MaxPool2d,
  MaxUnpool2d,
  Module,
  type ModuleInput,
  MSELoss,
  Parameter,
  ReLU,
  ReLU6,
  Sequential,
  Sigmoid,
  Tanh,
} from '@torchlet/nn';
import { Generator, randn, type Tensor, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { runOrt } from '../test/ort.js';
import { exportOnnx, importOnnx } from './index.js';
import { decodeModel } from './proto/codec.js';
import { flatValues } from './tensor-data.js';

// Every nn layer and option: torchlet -> ONNX -> onnxruntime gives torchlet's outputs, and
// importing the file back gives them too. Batch-size changes are checked with dynamicBatch.

const g = new Generator(7);

function close(got: ArrayLike<number>, want: Tensor, atol = 2e-5): void {
  const w = flatValues(want);
  expect(got.length).toBe(w.length);
  let worst = 0;
  for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(got[i] - w[i]) / (1 + Math.abs(w[i])));
  expect(worst).toBeLessThan(atol);
}

/** Perturbs a BatchNorm's statistics and affine parameters so eval mode is not the identity. */
function randomizeBatchNorms(m: AnyModule): void {
  for (const sub of m.modules()) {
    if (sub instanceof BatchNorm2d) {
      if (sub.trackRunningStats) {
        sub.runningMean.copyInPlace(randn([sub.numFeatures], { generator: g }));
        sub.runningVar.copyInPlace(randn([sub.numFeatures], { generator: g }).abs().add(0.5));
      }
      sub.weight?.data.copyInPlace(randn([sub.numFeatures], { generator: g }));
      sub.bias?.data.copyInPlace(randn([sub.numFeatures], { generator: g }));
    }
  }
}

async function roundTrip(
  name: string,
  make: () => AnyModule,
  shapes: number[][],
  options: { dynamic?: boolean; opsets?: number[] } = {},
): Promise<void> {
  const module = make();
  randomizeBatchNorms(module);
  module.eval();
  const inputs = shapes.map((s) => randn(s, { generator: g }));
  const want = (module.forward as (...xs: Tensor[]) => Variable)(...inputs).data;
  for (const opset of options.opsets ?? [11, 13, 17]) {
    const bytes = exportOnnx(module, inputs, { opset });
    const [ort] = await runOrt(bytes, inputs);
    expect(ort.dims, `${name} opset ${opset}`).toEqual([...want.shape]);
    close(ort.data, want);
    const back = importOnnx(bytes);
    close(flatValues(back.forward(...inputs).data), want);
  }
  if (options.dynamic !== false) {
    // Exported at one batch size, run at another.
    const bytes = exportOnnx(module, inputs, { dynamicBatch: true });
    const other = shapes.map((s) => randn([s[0] + 2, ...s.slice(1)], { generator: g }));
    const want2 = (module.forward as (...xs: Tensor[]) => Variable)(...other).data;
    const [ort] = await runOrt(bytes, other);
    expect(ort.dims, `${name} dynamic`).toEqual([...want2.shape]);
    close(ort.data, want2);
    close(flatValues(importOnnx(bytes).forward(...other).data), want2);
  }
}

class Residual extends Module {
  readonly conv = new Conv2d(3, 3, 3, { padding: 1, generator: g });
  readonly bn = new BatchNorm2d(3);
  forward(x: ModuleInput): Variable {
    return relu(add(this.bn.forward(this.conv.forward(x)), x));
  }
}

class Scaled extends Module {
  readonly fc = new Linear(4, 2, { generator: g });
  forward(x: ModuleInput): Variable {
    return mul(this.fc.forward(x), 0.5);
  }
}

class Upsample extends Module {
  constructor(readonly options: Parameters<typeof interpolate>[1]) {
    super();
  }
  forward(x: ModuleInput): Variable {
    return interpolate(x, this.options);
  }
}

/** The book's multi-channel cross-correlations with a learned kernel. */
class Corr extends Module {
  readonly kernel: Parameter;
  constructor(
    readonly fn: (x: ModuleInput, k: Variable) => Variable,
    kernelShape: number[],
  ) {
    super();
    this.kernel = new Parameter(randn(kernelShape, { generator: g }));
  }
  forward(x: ModuleInput): Variable {
    return this.fn(x, this.kernel);
  }
}

const cases: [string, () => AnyModule, number[][]][] = [
  ['ReLU', () => new ReLU(), [[2, 3, 4]]],
  ['Sigmoid', () => new Sigmoid(), [[2, 5]]],
  ['Tanh', () => new Tanh(), [[2, 5]]],
  [
    'ReLU6',
    () =>
      new Sequential(new Linear(3, 4, { generator: g }), new Tanh(), new Linear(4, 4, { generator: g }), new ReLU6()),
    [[2, 3]],
  ],
  ['Identity', () => new Identity(), [[2, 3]]],
  ['Dropout (exported in eval mode)', () => new Dropout(0.3), [[2, 6]]],
  ['Flatten', () => new Flatten(), [[2, 3, 2, 2]]],
  ['Flatten(2, 3)', () => new Flatten(2, 3), [[2, 3, 2, 2]]],
  ['Linear', () => new Linear(5, 3, { generator: g }), [[2, 5]]],
  ['Linear without bias', () => new Linear(5, 3, { bias: false, generator: g }), [[2, 5]]],
  ['Linear on 3-d input', () => new Linear(5, 3, { generator: g }), [[2, 4, 5]]],
  ['Conv2d', () => new Conv2d(2, 3, 3, { generator: g }), [[2, 2, 6, 7]]],
  [
    'Conv2d stride, padding, dilation',
    () => new Conv2d(2, 4, [3, 2], { stride: [2, 1], padding: [1, 2], dilation: [1, 2], generator: g }),
    [[2, 2, 7, 8]],
  ],
  ['Conv2d groups, no bias', () => new Conv2d(4, 6, 3, { groups: 2, bias: false, generator: g }), [[2, 4, 5, 5]]],
  ['Conv2d depthwise', () => new Conv2d(3, 3, 3, { groups: 3, padding: 1, generator: g }), [[2, 3, 5, 5]]],
  [
    "Conv2d padding 'same' (even kernel)",
    () => new Conv2d(2, 2, [4, 3], { padding: 'same', generator: g }),
    [[2, 2, 6, 6]],
  ],
  ["Conv2d padding 'valid'", () => new Conv2d(2, 2, 3, { padding: 'valid', generator: g }), [[2, 2, 6, 6]]],
  ['Conv2d reflect', () => new Conv2d(2, 2, 3, { padding: 1, paddingMode: 'reflect', generator: g }), [[2, 2, 5, 6]]],
  [
    'Conv2d replicate',
    () => new Conv2d(2, 2, 3, { padding: [2, 1], paddingMode: 'replicate', generator: g }),
    [[2, 2, 5, 6]],
  ],
  [
    'Conv2d circular',
    () => new Conv2d(2, 2, 3, { padding: [1, 2], paddingMode: 'circular', generator: g }),
    [[2, 2, 5, 6]],
  ],
  ['Conv2d unbatched input', () => new Conv2d(2, 3, 3, { padding: 1, generator: g }), [[2, 5, 5]]],
  ['ConvTranspose2d', () => new ConvTranspose2d(2, 3, 3, { generator: g }), [[2, 2, 4, 5]]],
  [
    'ConvTranspose2d stride, padding, outputPadding, dilation, groups',
    () =>
      new ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1, dilation: 1, groups: 2, generator: g }),
    [[2, 4, 4, 4]],
  ],
  [
    'ConvTranspose2d dilation, no bias',
    () => new ConvTranspose2d(2, 2, [2, 3], { dilation: 2, bias: false, generator: g }),
    [[2, 2, 3, 4]],
  ],
  ['MaxPool2d', () => new MaxPool2d(2), [[2, 3, 6, 6]]],
  [
    'MaxPool2d stride, padding, dilation',
    () => new MaxPool2d(3, { stride: 2, padding: 1, dilation: 1 }),
    [[2, 2, 7, 8]],
  ],
  ['MaxPool2d dilation', () => new MaxPool2d(2, { stride: 1, dilation: 2 }), [[2, 2, 6, 6]]],
  ['MaxPool2d ceilMode', () => new MaxPool2d(3, { stride: 2, ceilMode: true }), [[2, 2, 8, 8]]],
  [
    'MaxPool2d ceilMode, a last window in the padding (dropped)',
    () => new MaxPool2d(1, { stride: 2, ceilMode: true }),
    [[2, 2, 6, 7]],
  ],
  [
    'AvgPool2d ceilMode, a last window in the padding (dropped)',
    () => new AvgPool2d(2, { stride: 2, padding: 1, ceilMode: true }),
    [[2, 2, 5, 5]],
  ],
  ['AvgPool2d', () => new AvgPool2d(2), [[2, 3, 6, 6]]],
  ['AvgPool2d padding, countIncludePad', () => new AvgPool2d(3, { stride: 2, padding: 1 }), [[2, 2, 7, 7]]],
  [
    'AvgPool2d countIncludePad false',
    () => new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
    [[2, 2, 7, 7]],
  ],
  ['AvgPool2d divisorOverride', () => new AvgPool2d(2, { divisorOverride: 3 }), [[2, 2, 4, 4]]],
  ['AdaptiveAvgPool2d(1)', () => new AdaptiveAvgPool2d(1), [[2, 3, 5, 7]]],
  ['AdaptiveAvgPool2d divisible', () => new AdaptiveAvgPool2d(2), [[2, 3, 6, 4]]],
  ['AdaptiveAvgPool2d uneven', () => new AdaptiveAvgPool2d([3, null]), [[2, 3, 7, 5]]],
  ['AdaptiveMaxPool2d(1)', () => new AdaptiveMaxPool2d(1), [[2, 3, 5, 7]]],
  ['AdaptiveMaxPool2d divisible', () => new AdaptiveMaxPool2d(2), [[2, 3, 6, 4]]],
  ['AdaptiveMaxPool2d uneven', () => new AdaptiveMaxPool2d([3, 4]), [[2, 3, 7, 5]]],
  ['BatchNorm2d', () => new BatchNorm2d(3), [[2, 3, 4, 4]]],
  ['BatchNorm2d no affine', () => new BatchNorm2d(3, { affine: false }), [[2, 3, 4, 4]]],
  [
    'BatchNorm2d without running stats (batch statistics)',
    () => new BatchNorm2d(3, { trackRunningStats: false }),
    [[2, 3, 4, 4]],
  ],
  ['Conv2D (the book)', () => new Conv2D([2, 2], { generator: g }), [[5, 6]]],
  ['corr2dMultiIn (the book)', () => new Corr(corr2dMultiIn, [3, 2, 2]), [[3, 5, 6]]],
  ['corr2dMultiInOut (the book)', () => new Corr(corr2dMultiInOut, [4, 3, 2, 3]), [[3, 5, 6]]],
  ['corr2dMultiInOut1x1 (the book)', () => new Corr(corr2dMultiInOut1x1, [4, 3, 1, 1]), [[3, 5, 6]]],
  [
    'Sequential LeNet',
    () =>
      new Sequential(
        new Conv2d(1, 6, 5, { padding: 2, generator: g }),
        new Sigmoid(),
        new AvgPool2d(2, { stride: 2 }),
        new Conv2d(6, 16, 5, { generator: g }),
        new Sigmoid(),
        new AvgPool2d(2, { stride: 2 }),
        new Flatten(),
        new Linear(16 * 5 * 5, 120, { generator: g }),
        new Sigmoid(),
        new Linear(120, 84, { generator: g }),
        new Sigmoid(),
        new Linear(84, 10, { generator: g }),
      ),
    [[2, 1, 28, 28]],
  ],
  ['a residual block (functional add, relu)', () => new Residual(), [[2, 3, 5, 5]]],
  ['a constant factor', () => new Scaled(), [[3, 4]]],
  ['interpolate nearest, scaleFactor', () => new Upsample({ scaleFactor: 2 }), [[2, 2, 3, 4]]],
  ['interpolate nearest, size', () => new Upsample({ size: [5, 7] }), [[2, 2, 3, 4]]],
  ['interpolate nearest-exact, size', () => new Upsample({ size: [7, 3], mode: 'nearest-exact' }), [[2, 2, 3, 4]]],
  [
    'interpolate bilinear, scaleFactor',
    () => new Upsample({ scaleFactor: [1.5, 2], mode: 'bilinear' }),
    [[2, 2, 4, 4]],
  ],
  [
    'interpolate bilinear alignCorners, size',
    () => new Upsample({ size: [6, 5], mode: 'bilinear', alignCorners: true }),
    [[2, 2, 3, 4]],
  ],
];

describe('exportOnnx: torchlet -> ONNX -> onnxruntime and back', () => {
  for (const [name, make, shapes] of cases) {
    const unbatched = name.includes('unbatched') || name.includes('the book');
    it(name, async () => roundTrip(name, make, shapes, { dynamic: !unbatched }));
  }

  it('MSELoss (two inputs, a scalar output)', async () => {
    await roundTrip(
      'MSELoss',
      () => new MSELoss(),
      [
        [2, 3],
        [2, 3],
      ],
      { dynamic: false },
    );
  });

  it('BCEWithLogitsLoss', async () => {
    const pair = [
      [3, 4],
      [3, 4],
    ];
    await roundTrip('BCEWithLogitsLoss', () => new BCEWithLogitsLoss(), pair, { dynamic: false });
  });
});

describe('exportOnnx: graph shape', () => {
  it('BatchNorm2d after a Conv exports as one BatchNormalization node with its parameter names', () => {
    const net = new Sequential(new Conv2d(2, 3, 3, { generator: g }), new BatchNorm2d(3), new ReLU());
    randomizeBatchNorms(net);
    const model = decodeModel('test', exportOnnx(net, [randn([1, 2, 5, 5], { generator: g })]));
    expect(model.graph.node.map((n) => n.op_type)).toEqual(['Conv', 'BatchNormalization', 'Relu']);
    expect(model.graph.node[1].input.slice(1, 3)).toEqual(['1.weight', '1.bias']);
    expect(model.graph.initializer.map((t) => t.name)).toContain('0.weight');
  });

  it('keeps a traced subtraction that only looks like BatchNorm when its divisor is not positive', async () => {
    class Scaled extends Module {
      forward(x: ModuleInput): Variable {
        return div(sub(x, tensor([[[[1]], [[2]]]])), tensor([[[[-2]], [[4]]]]));
      }
    }
    const x = randn([1, 2, 2, 2], { generator: g });
    const bytes = exportOnnx(new Scaled(), [x]);
    expect(decodeModel('test', bytes).graph.node.map((n) => n.op_type)).toEqual(['Sub', 'Div']);
    const [ort] = await runOrt(bytes, [x]);
    close(ort.data, new Scaled().forward(x).data);
  });
});

describe('exportOnnx: errors', () => {
  it('names an operation with no ONNX form', () => {
    class Odd extends Module {
      forward(x: ModuleInput): Variable {
        return (x as Tensor).ndim >= 0 ? relu(new Sequential(new ReLU()).forward(x)).cumprod(0) : relu(x);
      }
    }
    expect(() => exportOnnx(new Odd(), [tensor([1, 2])])).toThrow(/'cumprod'.*has no ONNX form/);
  });

  it('names max-unpooling (its indices would be frozen at the example), not baking them in', () => {
    class PoolUnpool extends Module {
      readonly pool = new MaxPool2d(2, { returnIndices: true });
      readonly unpool = new MaxUnpool2d(2);
      forward(x: ModuleInput): Variable {
        const { values, indices } = this.pool.forward(x);
        return this.unpool.forward(values, indices);
      }
    }
    expect(() => exportOnnx(new PoolUnpool(), [randn([1, 1, 4, 4], { generator: g })])).toThrow(
      /'maxUnpool2d' \(output \[1,1,4,4\]\) has no ONNX form/,
    );
  });

  it('names antialiased interpolation (Resize has antialias only from opset 18)', () => {
    class Shrink extends Module {
      forward(x: ModuleInput): Variable {
        return interpolate(x, { size: [2, 2], mode: 'bilinear', antialias: true });
      }
    }
    expect(() => exportOnnx(new Shrink(), [randn([1, 1, 6, 6], { generator: g })])).toThrow(
      /'interpolate' \(output \[1,1,2,2\]\) has no ONNX form: antialias needs Resize from opset 18/,
    );
  });

  it('refuses an input whose values never entered the trace (CrossEntropyLoss reads its target with tensor methods)', () => {
    const logits = randn([3, 4], { generator: g });
    const target = tensor([0, 3, 1], { dtype: 'int32' });
    expect(() =>
      exportOnnx(new CrossEntropyLoss({ labelSmoothing: 0.1 }), [logits, randn([3, 4], { generator: g })]),
    ).toThrow(/input 'input_1' \[3,4\] is not read by any operation torchlet traced/);
    expect(() => exportOnnx(new CrossEntropyLoss(), [logits, target])).toThrow(
      /input 'input_1' \[3\] is not read by any operation torchlet traced/,
    );
  });

  it('rejects bad arguments', () => {
    expect(() => exportOnnx({} as AnyModule, [tensor([1])])).toThrow(/exportOnnx: expected a Module/);
    expect(() => exportOnnx(new ReLU(), [])).toThrow(/non-empty array/);
    expect(() => exportOnnx(new ReLU(), [tensor([1])], { opset: 9 })).toThrow(/opset must be one of 11/);
    expect(() => exportOnnx(new ReLU(), [tensor([1])], { inputNames: ['a', 'b'] })).toThrow(
      /expected 1 non-empty names/,
    );
  });

  it('restores training mode after tracing', () => {
    const net = new Sequential(new Dropout(0.5), new ReLU());
    exportOnnx(net, [tensor([[1, 2]])]);
    expect(net.training).toBe(true);
  });
});
