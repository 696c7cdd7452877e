// Sequential on the webgpu device: the outputs one built-in layer hands to the next belong to the
// graph, released when backward has run (or at once without a graph), so they do not wait for the
// garbage collector. A user's module in the chain may keep what it is given: what it sees stays.
import { noGrad, sum, type Variable, variable } from '@torchlet/autograd';
import { getBackendInfo, initWebGPU, manualSeed, rand, type Tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { Module, type ModuleInput } from '../module.js';
import { ReLU } from './activation.js';
import { Conv2d } from './conv.js';
import { Flatten } from './flatten.js';
import { Linear } from './linear.js';
import { MaxPool2d } from './pooling.js';
import { Sequential } from './sequential.js';

await initWebGPU();

const live = (): number => getBackendInfo().webgpu.liveBuffers;

function layers(): Module[] {
  manualSeed(11);
  return [new Conv2d(1, 3, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(27, 2)];
}

/** Live buffers a forward + backward leaves: `chain` runs the layers one way or another. */
function leftBy(chain: (x: Variable) => Variable, x: Variable, grad: boolean): { left: number; out: Variable } {
  const before = live();
  const out = grad ? chain(x) : noGrad(() => chain(x));
  if (grad) sum(out).backward();
  return { left: live() - before, out };
}

async function values(t: Tensor): Promise<number[]> {
  return Array.from((await t.cpu()).toTypedArray() as Float32Array);
}

describe('Sequential on webgpu releases the outputs its layers hand on', () => {
  it('after backward, and at once without a graph', async () => {
    for (const grad of [true, false]) {
      const byHand = layers().map((m) => m.to('webgpu'));
      const net = new Sequential(...layers()).to('webgpu');
      const x = variable(rand([2, 1, 6, 6]).to('webgpu'));
      const manual = leftBy((h) => byHand.reduce((v, m) => m.forward(v) as Variable, h), x, grad);
      const owned = leftBy((h) => net.forward(h), x, grad);
      // conv -> relu -> pool -> flatten: three outputs handed on (flatten's is a view of the pool's).
      expect(manual.left - owned.left).toBe(3);
      expect(await values(owned.out.data)).toEqual(await values(manual.out.data));
    }
  });

  it("a user's module keeps what it is given, readable after backward", async () => {
    class Keep extends Module {
      kept: Variable | null = null;
      forward(x: ModuleInput): Variable {
        this.kept = x as Variable;
        return x as Variable;
      }
    }
    const [conv, relu, ...rest] = layers();
    const keep = new Keep();
    const net = new Sequential(conv, relu, keep, ...rest).to('webgpu');
    const [cpuConv, cpuRelu] = layers();
    manualSeed(2);
    const x = rand([2, 1, 6, 6]);
    sum(net.forward(variable(x.to('webgpu')))).backward();
    const want = cpuRelu.forward(cpuConv.forward(variable(x))).data.toTypedArray() as Float32Array;
    const got = await values((keep.kept as Variable).data);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
  });
});
