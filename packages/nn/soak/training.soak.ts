// The issue's soak: 10,000 training steps of a small conv net on the webgpu device (SwiftShader
// here), SGD with momentum and Adam, without forced garbage collection. Every 100 steps it records
// the device's live buffers and bytes; the run passes when the last 1,000 steps' peak is no
// higher than the peak of steps 1,000-2,000 (plus a small slack): memory stays flat. The loop
// reads the loss back every 50 steps, as a training loop that logs does (this is also when the
// event loop turns, the only time finalizers can give dropped tensors' buffers back).
//
//   pnpm -F @torchlet/nn soak                      # both optimizers, 10,000 steps each
//   SOAK_STEPS=3000 SOAK_OPTIMIZERS=adam pnpm -F @torchlet/nn soak
import { variable } from '@torchlet/autograd';
import { getBackendInfo, initWebGPU, manualSeed, rand, randint } from '@torchlet/tensor';
import { expect, it } from 'vitest';
import { Adam, Conv2d, crossEntropy, Flatten, Linear, MaxPool2d, ReLU, Sequential, SGD } from '../src/index.js';

await initWebGPU();

const STEPS = Number(process.env.SOAK_STEPS ?? 10_000);
const OPTIMIZERS = (process.env.SOAK_OPTIMIZERS ?? 'sgd,adam').split(',');
const EVERY = 100;

interface Sample {
  step: number;
  buffers: number;
  bytes: number;
}

/** The largest sample in steps (from, to]. */
function peak(samples: readonly Sample[], from: number, to: number, key: 'buffers' | 'bytes'): number {
  return Math.max(...samples.filter((s) => s.step > from && s.step <= to).map((s) => s[key]));
}

for (const name of OPTIMIZERS) {
  it(`${STEPS} ${name} steps keep live GPU buffers and bytes flat`, async () => {
    manualSeed(0);
    const net = new Sequential(
      new Conv2d(1, 4, 3, { padding: 1 }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(4 * 4 * 4, 10),
    ).to('webgpu');
    const opt =
      name === 'adam'
        ? new Adam(net.parameters(), { lr: 1e-3 })
        : new SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
    const x = rand([8, 1, 8, 8]).to('webgpu');
    const y = randint(0, 10, [8], { dtype: 'int32' });
    const samples: Sample[] = [];
    const start = performance.now();
    let firstLoss = Number.NaN;
    let lastLoss = Number.NaN;
    for (let step = 1; step <= STEPS; step++) {
      const loss = crossEntropy(net.forward(variable(x)), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      if (step % 50 === 0 || step === 1) {
        lastLoss = (await loss.data.cpu()).item();
        if (step === 1) firstLoss = lastLoss;
      }
      if (step % EVERY === 0) {
        const w = getBackendInfo().webgpu;
        samples.push({ step, buffers: w.liveBuffers, bytes: w.liveBytes });
      }
    }
    const seconds = (performance.now() - start) / 1000;
    const rows = samples.filter((s) => s.step % Math.max(EVERY, STEPS / 20) === 0);
    console.log(
      `${name}: ${STEPS} steps in ${seconds.toFixed(0)} s (${((seconds * 1000) / STEPS).toFixed(1)} ms/step), loss ${firstLoss.toFixed(3)} -> ${lastLoss.toFixed(3)}\n` +
        `step\tlive buffers\tlive bytes\n${rows.map((s) => `${s.step}\t${s.buffers}\t${s.bytes}`).join('\n')}`,
    );
    expect(getBackendInfo().webgpu.error).toBe('');
    expect(lastLoss).toBeLessThan(firstLoss);
    const early = Math.min(2000, STEPS / 5);
    for (const key of ['buffers', 'bytes'] as const) {
      const warm = peak(samples, early / 2, early, key);
      const late = peak(samples, STEPS - STEPS / 10, STEPS, key);
      console.log(
        `${name} ${key}: peak of steps ${early / 2}-${early} ${warm}, of the last ${STEPS / 10} steps ${late}`,
      );
      expect(late).toBeLessThanOrEqual(warm * 1.1 + (key === 'buffers' ? 16 : 64 * 1024));
    }
  });
}
