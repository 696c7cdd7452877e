// Backward writes BatchNorm's input gradient over the gradient it consumes when the pass owns it
// (owned-gradients.ts). The gradients must be those of a pass that owns nothing (createGraph, which
// records the rules instead), and nothing a caller can reach may change: a gradient returned by
// gradients(), a retained gradient, what a custom function's backward kept, a gradient another
// pending node still reads.
import { manualSeed, rand, type Tensor, tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import {
  add,
  batchNormTraining,
  conv2d,
  defineFunction,
  gradients,
  mul,
  sum,
  type Variable,
  variable,
} from './index.js';
import { ownedOverwrites, recycledGradients } from './owned-gradients.js';

function close(a: Tensor | null, b: Tensor | null): void {
  if (a === null || b === null) throw new Error('expected a gradient');
  expect(a.shape).toEqual(b.shape);
  const x = a.toTypedArray() as Float32Array;
  const y = b.toTypedArray() as Float32Array;
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThan(1e-4 * (1 + Math.abs(y[i])));
}

/** Parameters of conv(3 -> 4) -> BatchNorm(ReLU6) -> conv(4 -> 5) -> BatchNorm, seeded. */
function params(dtype: 'float32' | 'float64' = 'float32', hw = 5) {
  manualSeed(11);
  const p = (t: Tensor) => variable(t.sub(0.5).to(dtype), { requiresGrad: true });
  return {
    x: p(rand([2, 3, hw, hw])),
    w1: p(rand([4, 3, 3, 3])),
    g1: p(rand([4]).add(0.5)),
    b1: p(rand([4])),
    w2: p(rand([5, 4, 1, 1])),
    g2: p(rand([5]).add(0.5)),
    b2: p(rand([5])),
    upstream: rand([2, 5, hw, hw]).sub(0.5).to(dtype),
  };
}

type Params = ReturnType<typeof params>;

function net(p: Params): { loss: Variable; mid: Variable; out: Variable } {
  const mid = batchNormTraining(conv2d(p.x, p.w1, null, { padding: 1 }), p.g1, p.b1, { activation: 'relu6' }).output;
  const out = batchNormTraining(conv2d(mid, p.w2, null), p.g2, p.b2).output;
  return { loss: sum(mul(out, p.upstream)), mid, out };
}

const leaves = (p: Params) => [p.x, p.w1, p.g1, p.b1, p.w2, p.g2, p.b2];

/** The gradients of every leaf from a pass that owns nothing (the recorded rules). */
function reference(hw = 5): Tensor[] {
  const p = params('float32', hw);
  const gs = gradients([net(p).loss], leaves(p), { createGraph: true });
  return gs.map((g) => (g as Variable).data);
}

describe('backward overwrites the gradients it owns', () => {
  it('gives BatchNorm the gradient conv2d made, and the gradients match a pass that owns nothing', () => {
    const p = params();
    const before = ownedOverwrites();
    net(p).loss.backward();
    // The second BatchNorm's gradient is the sum's (the caller's upstream times one): not owned.
    // The first BatchNorm's is the second conv's input gradient, made by the pass.
    expect(ownedOverwrites() - before).toBe(1);
    const ref = reference();
    leaves(p).forEach((v, i) => {
      close(v.grad, ref[i]);
    });
  });

  it('runs the same in float64 (the JavaScript kernel writes over the gradient too)', () => {
    const p = params('float64');
    const before = ownedOverwrites();
    net(p).loss.backward();
    expect(ownedOverwrites() - before).toBe(1);
    const q = params('float64');
    const ref = gradients([net(q).loss], leaves(q), { createGraph: true });
    leaves(p).forEach((v, i) => {
      close(v.grad, (ref[i] as Variable).data);
    });
  });

  it('never overwrites a gradient gradients() returns', () => {
    const p = params();
    const { loss, mid } = net(p);
    const before = ownedOverwrites();
    const [gMid, gx] = gradients([loss], [mid, p.x]);
    expect(ownedOverwrites() - before).toBe(0);
    const r = params();
    const rn = net(r);
    const [refMid, refX] = gradients([rn.loss], [rn.mid, r.x], { createGraph: true });
    close((gMid as Variable).data, (refMid as Variable).data);
    close((gx as Variable).data, (refX as Variable).data);
  });

  it('never overwrites a retained gradient', () => {
    const p = params();
    const { loss, mid } = net(p);
    mid.retainGrad();
    loss.backward();
    const r = params();
    const rn = net(r);
    const [refMid] = gradients([rn.loss], [rn.mid], { createGraph: true });
    close(mid.grad, (refMid as Variable).data);
  });

  it('gives consumed gradients back for reuse, and steps that reuse them compute the same gradients', () => {
    // 64x64 planes: the gradients are large enough (64 KiB) to be recycled into later outputs.
    const ref = reference(64);
    const p = params('float32', 64);
    for (let step = 0; step < 3; step++) {
      for (const v of leaves(p)) v.grad = null;
      const before = recycledGradients();
      net(p).loss.backward();
      // The second conv consumes the BatchNorm's gradient (written over the one it was given) and
      // the first conv the first BatchNorm's: both die there.
      expect(recycledGradients() - before).toBe(2);
      leaves(p).forEach((v, i) => {
        close(v.grad, ref[i]);
      });
    }
  });

  it('recycles nothing a caller holds: gradients(), a retained gradient, a custom backward, .grad', () => {
    const kept: Variable[] = [];
    const spy = defineFunction({
      name: 'spy',
      forward: (_ctx, t) => t.clone(),
      backward: (_ctx, g) => {
        kept.push(g);
        return [g];
      },
    });
    const p = params('float32', 64);
    const mid = batchNormTraining(conv2d(p.x, p.w1, null, { padding: 1 }), p.g1, p.b1, { activation: 'relu6' }).output;
    mid.retainGrad();
    const c2 = conv2d(spy(mid), p.w2, null);
    const out = batchNormTraining(c2, p.g2, p.b2).output;
    const [gC2] = gradients([sum(mul(out, p.upstream))], [c2], { retainGraph: true });
    sum(mul(out, p.upstream)).backward();
    const held = [(gC2 as Variable).data, mid.grad as Tensor, kept[0].data, p.x.grad as Tensor, p.w1.grad as Tensor];
    const copies = held.map((t) => Array.from(t.toTypedArray() as Float32Array));
    // More steps, whose outputs and gradients would reuse any recycled memory.
    for (let step = 0; step < 3; step++) {
      const q = params('float32', 64);
      net(q).loss.backward();
    }
    held.forEach((t, i) => {
      expect(Array.from(t.toTypedArray() as Float32Array)).toEqual(copies[i]);
    });
  });

  it("never overwrites what a custom function's backward kept", () => {
    const kept: Variable[] = [];
    const copies: Tensor[] = [];
    const spy = defineFunction({
      name: 'spy',
      forward: (_ctx, t) => t.clone(),
      backward: (_ctx, g) => {
        kept.push(g);
        copies.push(g.data.clone());
        return [g];
      },
    });
    const p = params();
    const mid = batchNormTraining(conv2d(p.x, p.w1, null, { padding: 1 }), p.g1, p.b1, { activation: 'relu6' }).output;
    const out = batchNormTraining(conv2d(spy(mid), p.w2, null), p.g2, p.b2).output;
    const before = ownedOverwrites();
    sum(mul(out, p.upstream)).backward();
    expect(ownedOverwrites() - before).toBe(0);
    expect(kept).toHaveLength(1);
    expect(Array.from(kept[0].data.toTypedArray() as Float32Array)).toEqual(
      Array.from(copies[0].toTypedArray() as Float32Array),
    );
    const ref = reference();
    leaves(p).forEach((v, i) => {
      close(v.grad, ref[i]);
    });
  });

  it('waits until no other pending gradient reads the storage (a gradient add gives to two nodes)', () => {
    // add's rule hands one gradient (the last conv's input gradient, owned) to both of its inputs.
    // The engine runs the later input's node first: with the BatchNorm second it may write over the
    // gradient (the conv has read it), with the BatchNorm first it must not (the conv has yet to).
    for (const bnFirst of [false, true]) {
      const build = (p: Params) => {
        const a = batchNormTraining(conv2d(p.x, p.w1, null, { padding: 1 }), p.g1, p.b1).output;
        const b = conv2d(p.x, p.w1, null, { padding: 1 });
        const s = bnFirst ? add(b, a) : add(a, b);
        const out = batchNormTraining(conv2d(s, p.w2, null), p.g2, p.b2).output;
        return sum(mul(out, p.upstream));
      };
      const p = params();
      const before = ownedOverwrites();
      build(p).backward();
      expect(ownedOverwrites() - before).toBe(bnFirst ? 0 : 1);
      const q = params();
      const ref = gradients([build(q)], leaves(q).slice(0, 6), { createGraph: true });
      leaves(p)
        .slice(0, 6)
        .forEach((v, i) => {
          close(v.grad, (ref[i] as Variable).data);
        });
    }
  });

  it('gives a leaf the gradient itself only when nothing else reads it (a leaf beside a BatchNorm in add)', () => {
    // add hands the owned gradient to the leaf and to the BatchNorm: whichever runs first must leave
    // it alone (the leaf copies it, the BatchNorm writes a new array); the later may take it.
    for (const leafFirst of [false, true]) {
      const build = (p: Params, bias: Variable) => {
        const a = batchNormTraining(conv2d(p.x, p.w1, null, { padding: 1 }), p.g1, p.b1).output;
        const s = leafFirst ? add(a, bias) : add(bias, a);
        const out = batchNormTraining(conv2d(s, p.w2, null), p.g2, p.b2).output;
        return sum(mul(out, p.upstream));
      };
      const p = params();
      const bias = variable(rand([2, 4, 5, 5]), { requiresGrad: true });
      const before = ownedOverwrites();
      build(p, bias).backward();
      expect(ownedOverwrites() - before).toBe(leafFirst ? 1 : 0);
      const q = params();
      const qb = variable(bias.data.clone(), { requiresGrad: true });
      const ref = gradients([build(q, qb)], [...leaves(q), qb], { createGraph: true });
      [...leaves(p), bias].forEach((v, i) => {
        close(v.grad, (ref[i] as Variable).data);
      });
      expect(bias.grad?.data).not.toBe(p.x.grad?.data);
    }
  });

  it('overwrites nothing the caller passed in as the upstream gradient', () => {
    const p = params();
    const { out } = net(p);
    const seed = tensor(Array.from(p.upstream.toTypedArray() as Float32Array)).reshape(p.upstream.shape);
    const copy = seed.clone();
    out.backward(seed);
    expect(Array.from(seed.toTypedArray() as Float32Array)).toEqual(Array.from(copy.toTypedArray() as Float32Array));
    const ref = reference();
    leaves(p).forEach((v, i) => {
      close(v.grad, ref[i]);
    });
  });
});
