import { getBackendInfo, WASM_ADAM_KERNEL } from '@torchlet/kernels';
import { fromStorage, TorchletError, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam.js';
import { SGD } from './sgd.js';

const grads = [
  [0.5, -1.0, 2.0],
  [0.25, 0.5, -1.0],
  [-1.0, 0.0, 0.75],
];

// Parameter values after each of three steps from p = [1, -2, 0.5] with the gradients above,
// as printed by PyTorch 1.13 (torch.optim, float32).
const pytorch: Record<string, number[][]> = {
  sgd_plain: [
    [0.949999988079071, -1.899999976158142, 0.30000001192092896],
    [0.925000011920929, -1.9499999284744263, 0.4000000059604645],
    [1.024999976158142, -1.9499999284744263, 0.32500001788139343],
  ],
  sgd_momentum_dampening_wd: [
    [0.9490000009536743, -1.8980000019073486, 0.2994999885559082],
    [0.8797459006309509, -1.849491834640503, 0.2087804228067398],
    [0.9066254496574402, -1.8041698932647705, 0.059444915503263474],
  ],
  sgd_nesterov: [
    [0.9049999713897705, -1.809999942779541, 0.11999999731779099],
    [0.8169999718666077, -1.8240000009536743, 0.14800000190734863],
    [0.9502999782562256, -1.791599988937378, -0.05929999798536301],
  ],
  sgd_maximize: [
    [1.0499999523162842, -2.0999999046325684, 0.699999988079071],
    [1.0999999046325684, -2.0999999046325684, 0.699999988079071],
    [1.0249998569488525, -2.0999999046325684, 0.7749999761581421],
  ],
  adam: [
    [0.9900000095367432, -1.9900000095367432, 0.49000000953674316],
    [0.9806782007217407, -1.9873366355895996, 0.4873366355895996],
    [0.9827417731285095, -1.9852778911590576, 0.48335182666778564],
  ],
  adam_wd_amsgrad: [
    [0.9900000095367432, -1.9900000095367432, 0.49000000953674316],
    [0.980604887008667, -1.9858057498931885, 0.4876006841659546],
    [0.9820913076400757, -1.9816755056381226, 0.48359012603759766],
  ],
  adamw: [
    [0.9890000224113464, -1.9880000352859497, 0.4895000159740448],
    [0.9786892533302307, -1.9833487272262573, 0.48634713888168335],
    [0.9797741770744324, -1.979306697845459, 0.4818759858608246],
  ],
};

type Make = (p: { data: ReturnType<typeof tensor>; grad: ReturnType<typeof tensor> | null }) => { step(): void };
const makers: Record<string, Make> = {
  sgd_plain: (p) => new SGD([p], { lr: 0.1 }),
  sgd_momentum_dampening_wd: (p) => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }),
  sgd_nesterov: (p) => new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true }),
  sgd_maximize: (p) => new SGD([p], { lr: 0.1, momentum: 0.5, maximize: true }),
  adam: (p) => new Adam([p], { lr: 0.01 }),
  adam_wd_amsgrad: (p) => new Adam([p], { lr: 0.01, weightDecay: 0.1, amsgrad: true, betas: [0.8, 0.99] }),
  adamw: (p) => new AdamW([p], { lr: 0.01, weightDecay: 0.1 }),
};

describe('optimizers match PyTorch step by step', () => {
  it.each(Object.keys(pytorch))('%s', (name) => {
    const p: { data: ReturnType<typeof tensor>; grad: ReturnType<typeof tensor> | null } = {
      data: tensor([1, -2, 0.5]),
      grad: null,
    };
    const opt = makers[name](p);
    pytorch[name].forEach((expected, step) => {
      p.grad = tensor(grads[step]);
      opt.step();
      const actual = p.data.toArray() as number[];
      for (const [i, v] of actual.entries()) expect(v).toBeCloseTo(expected[i], 6);
    });
  });
});

describe('hand-computed updates', () => {
  it('SGD momentum: buf starts as g, then momentum * buf + (1 - dampening) * g', () => {
    const p = { data: tensor(new Float64Array([1])), grad: tensor(new Float64Array([2])) };
    const opt = new SGD([p], { lr: 0.1, momentum: 0.5, dampening: 0.5 });
    opt.step(); // buf = 2; p = 1 - 0.2
    expect(p.data.item()).toBeCloseTo(0.8, 12);
    opt.step(); // buf = 0.5 * 2 + 0.5 * 2 = 2; p = 0.8 - 0.2
    expect(p.data.item()).toBeCloseTo(0.6, 12);
  });
  it('Adam bias correction makes the first step exactly lr in the direction of -g', () => {
    const p = { data: tensor(new Float64Array([0, 0])), grad: tensor(new Float64Array([1e-3, -50])) };
    new Adam([p], { lr: 0.5, eps: 0 }).step();
    const [a, b] = p.data.toArray() as number[];
    expect(a).toBeCloseTo(-0.5, 12);
    expect(b).toBeCloseTo(0.5, 12);
  });
  it('Adam second step: m and v bias-corrected by 1 - beta^2', () => {
    const p = { data: tensor(new Float64Array([0])), grad: tensor(new Float64Array([1])) };
    const opt = new Adam([p], { lr: 1, betas: [0.5, 0.5], eps: 0 });
    opt.step(); // p = -1
    p.grad = tensor(new Float64Array([3]));
    opt.step(); // m = 0.5*0.5 + 0.5*3 = 1.75 -> /0.75; v = 0.25 + 4.5 = 4.75 -> /0.75
    expect(p.data.item()).toBeCloseTo(-1 - 1.75 / 0.75 / Math.sqrt(4.75 / 0.75), 12);
  });
});

describe('optimizer plumbing', () => {
  it('zeroGrad sets gradients to null, or to zeros when asked', () => {
    const p = { data: tensor([1]), grad: tensor([1]) as ReturnType<typeof tensor> | null };
    const opt = new SGD([p], { lr: 1 });
    opt.zeroGrad({ setToNone: false });
    expect(p.grad?.toArray()).toEqual([0]);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
    opt.step(); // no gradient: no change
    expect(p.data.toArray()).toEqual([1]);
  });
  it('param groups carry their own options', () => {
    const a = { data: tensor([1]), grad: tensor([1]) };
    const b = { data: tensor([1]), grad: tensor([1]) };
    new SGD([{ params: [a] }, { params: [b], options: { lr: 0.5 } }], { lr: 0.25 }).step();
    expect(a.data.toArray()).toEqual([0.75]);
    expect(b.data.toArray()).toEqual([0.5]);
  });
  it('updates in place, bumping the version, also through a non-contiguous view', () => {
    const storage = new Float32Array([1, 2, 3, 4]);
    const view = fromStorage(storage, [2, 2], { strides: [1, 2] }); // transpose of [[1,2],[3,4]]
    const p = {
      data: view,
      grad: tensor([
        [1, 1],
        [1, 1],
      ]),
    };
    const before = view.version;
    new SGD([p], { lr: 1 }).step();
    expect(Array.from(storage)).toEqual([0, 1, 2, 3]);
    expect(view.version).toBeGreaterThan(before);
  });
  it('rejects bad hyper-parameters and mismatched gradients with named errors', () => {
    const p = { data: tensor([1, 2]), grad: tensor([1]) };
    expect(() => new SGD([p], { lr: -1 })).toThrowError(/SGD: invalid learning rate: -1/);
    expect(() => new SGD([p], { lr: 1, nesterov: true })).toThrowError(/Nesterov momentum requires/);
    expect(() => new Adam([p], { betas: [1, 0.9] })).toThrowError(/invalid beta parameter at index 0: 1/);
    expect(() => new Adam([])).toThrowError(/empty parameter list/);
    expect(() => new SGD([p], { lr: 1 }).step()).toThrowError(TorchletError);
    expect(() => new SGD([p], { lr: 1 }).step()).toThrowError(
      /gradient has shape \[1\] but its parameter has shape \[2\]/,
    );
  });
});

describe("Adam's WebAssembly float32 update", () => {
  it('gives the float32 JavaScript loop bit for bit (float32 gradients take it, the same values in float64 do not)', () => {
    // Same float32 parameter values and float32-representable gradients: a float32 gradient runs
    // wasmAdamStep, a float64 one the general loop (each operation rounded to float32); every
    // step's parameters and moments must agree exactly. The length crosses the kernel's chunk of
    // 8192 floats and ends in a partial vector; a few gradients are non-finite.
    let s = 12345;
    const next = (): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return Math.fround((s / 2 ** 32 - 0.5) * 4);
    };
    const n = 8192 + 1003;
    const start = Float32Array.from({ length: n }, next);
    const special = [0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-30, -3e38];
    for (const options of [{ lr: 2e-3 }, { lr: 0.5, betas: [0.5, 0.9] as const, eps: 0 }, { lr: 1e-3, eps: 1e-3 }]) {
      const fast = { data: fromStorage(start.slice(), [n]), grad: null as ReturnType<typeof tensor> | null };
      const general = { data: fromStorage(start.slice(), [n]), grad: null as ReturnType<typeof tensor> | null };
      const a = new Adam([fast], options);
      const b = new Adam([general], options);
      for (let step = 0; step < 6; step++) {
        const g = Float32Array.from({ length: n }, (_, i) =>
          i % 17 === 0 ? 0 : i % 997 === 1 ? special[(i + step) % special.length] : next(),
        );
        fast.grad = fromStorage(g, [n]);
        general.grad = fromStorage(Float64Array.from(g), [n]);
        a.step();
        expect(getBackendInfo().lastKernel).toBe(WASM_ADAM_KERNEL);
        b.step();
        const x = fast.data.data as Float32Array;
        const y = general.data.data as Float32Array;
        for (let i = 0; i < n; i++)
          if (!Object.is(x[i], y[i])) throw new Error(`step ${step}, element ${i}: ${x[i]} vs ${y[i]}`);
        const [sa, sb] = [a.stateFor(fast), b.stateFor(general)];
        expect(sa?.expAvg).toBeInstanceOf(Float32Array);
        expect(Array.from(sa?.expAvg ?? [])).toEqual(Array.from(sb?.expAvg ?? []));
        expect(Array.from(sa?.expAvgSq ?? [])).toEqual(Array.from(sb?.expAvgSq ?? []));
      }
      // The non-finite gradients reached their parameters as PyTorch's update does: NaN.
      expect(Number.isNaN((fast.data.data as Float32Array)[998])).toBe(true);
    }
  });

  it('keeps float64 parameters in float64 (moments and arithmetic)', () => {
    const p = { data: tensor([1, -2], { dtype: 'float64' }), grad: tensor([0.1, 3], { dtype: 'float64' }) };
    const opt = new Adam([p], { lr: 0.1 });
    opt.step();
    expect(opt.stateFor(p)?.expAvg).toBeInstanceOf(Float64Array);
    expect(opt.stateFor(p)?.expAvg[0]).toBe(0.1 * (1 - 0.9));
  });
});

describe("SGD's float32 momentum loop", () => {
  it('gives the general loop bit for bit (float32 gradients take it, the same values in float64 do not)', () => {
    let s = 777;
    const next = (): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return Math.fround((s / 2 ** 32 - 0.5) * 4);
    };
    const n = 1000;
    const start = Float32Array.from({ length: n }, next);
    for (const options of [
      { lr: 0.01, momentum: 0.9 },
      { lr: 0.3, momentum: 0.5, dampening: 0.25 },
    ]) {
      const fast = { data: fromStorage(start.slice(), [n]), grad: null as ReturnType<typeof tensor> | null };
      const general = { data: fromStorage(start.slice(), [n]), grad: null as ReturnType<typeof tensor> | null };
      const a = new SGD([fast], options);
      const b = new SGD([general], options);
      for (let step = 0; step < 6; step++) {
        const g = Float32Array.from({ length: n }, (_, i) => (i % 13 === 0 ? 0 : next()));
        fast.grad = fromStorage(g, [n]);
        general.grad = fromStorage(Float64Array.from(g), [n]);
        a.step();
        b.step();
        const x = fast.data.data as Float32Array;
        const y = general.data.data as Float32Array;
        for (let i = 0; i < n; i++)
          if (!Object.is(x[i], y[i])) throw new Error(`step ${step}, element ${i}: ${x[i]} vs ${y[i]}`);
        expect(Array.from(a.stateFor(fast)?.momentumBuffer ?? [])).toEqual(
          Array.from(b.stateFor(general)?.momentumBuffer ?? []),
        );
      }
    }
  });
});
