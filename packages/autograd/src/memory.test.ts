import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Tensor, zeros } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { rnd } from '../test/random.js';
import { conv2d, maxPool2d, mean, mul, pow, relu, sub, sum, variable } from './index.js';

/** `global.gc` when the process exposes it, else one obtained through V8's flag (null if neither works). */
function getGc(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

describe('memory', () => {
  it('10,000 forward/backward steps of a small conv model keep the heap flat', () => {
    const gc = getGc();
    const x = rnd([2, 1, 6, 8], 1).to('float32');
    const target = zeros([2, 2, 3, 5]);
    const w = variable(rnd([2, 1, 3, 3], 2, -0.3, 0.3).to('float32'), { requiresGrad: true });
    const b = variable(zeros([2]), { requiresGrad: true });
    const step = (): number => {
      const y = maxPool2d(relu(conv2d(x, w, b, { padding: 1 })), 2, { stride: 2, padding: [0, 1] });
      const loss = mean(pow(sub(y, target), 2));
      w.zeroGrad();
      b.zeroGrad();
      loss.backward();
      w.data.subInPlace(w.grad as Tensor, 0.01);
      b.data.subInPlace(b.grad as Tensor, 0.01);
      return loss.item();
    };
    for (let i = 0; i < 1000; i++) step();
    gc?.();
    const before = process.memoryUsage().heapUsed;
    let last = 0;
    for (let i = 0; i < 9000; i++) last = step();
    gc?.();
    const growth = process.memoryUsage().heapUsed - before;
    expect(Number.isFinite(last)).toBe(true);
    // 9,000 steps each allocate several KB of graph; anything retained per step would show as
    // tens of MB. With gc the heap must come back almost exactly; without it, within a loose bound.
    expect(growth).toBeLessThan(gc ? 4 * 1024 * 1024 : 64 * 1024 * 1024);
    // The graph of a finished step is released: its saved values are gone.
    const probe = sum(mul(w, w));
    probe.backward();
    expect(() => probe.backward()).toThrow(/second time/);
  });
});
