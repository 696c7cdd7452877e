// The overhead of autograd over calling the ops' kernels directly, on the LeNet and ResNet conv
// shapes: one training step's convolution work - forward, input gradient and weight gradient -
// done (a) by calling conv2d, conv2dBackwardInput and conv2dBackwardWeight from @torchlet/ops and
// (b) through @torchlet/autograd: conv2d on Variables, then backward(upstream). Alternating runs,
// warm-up, medians. `pnpm bench:autograd` (from the root) or `node dist/autograd-overhead.js`.

import { conv2d as conv2dVar, variable } from '@torchlet/autograd';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from '@torchlet/ops';
import { fromStorage } from '@torchlet/tensor';
import { randomData } from './data.js';
import { convOutSize, median } from './harness.js';
import { CONV_SHAPES } from './shapes.js';

const quick = process.argv.includes('--quick');
const runs = quick ? 5 : 15;

function time(fn: () => void, minMs: number): number {
  let reps = 0;
  const start = performance.now();
  let now = start;
  do {
    fn();
    reps++;
    now = performance.now();
  } while (now - start < minMs);
  return (now - start) / reps;
}

console.log(
  `autograd overhead over direct ops kernels  node ${process.version}  ${new Date().toISOString()}  ${runs} runs`,
);
console.log('| shape | ops kernels (fwd + dX + dW) | autograd (forward + backward) | overhead |');
console.log('| --- | --- | --- | --- |');
for (const s of CONV_SHAPES) {
  if (s.label.includes('toy')) continue;
  const [n, , h, w] = s.input;
  const [cout, , kh, kw] = s.weight;
  const [ph, pw] = s.padding;
  const outShape = [n, cout, convOutSize(h, kh, ph), convOutSize(w, kw, pw)];
  const x = fromStorage(
    randomData(
      s.input.reduce((a, b) => a * b, 1),
      1,
    ),
    [...s.input],
  );
  const wt = fromStorage(
    randomData(
      s.weight.reduce((a, b) => a * b, 1),
      2,
    ),
    [...s.weight],
  );
  const dy = fromStorage(
    randomData(
      outShape.reduce((a, b) => a * b, 1),
      3,
    ),
    outShape,
  );
  const options = { padding: [ph, pw] as const };
  const direct = (): void => {
    conv2d(x, wt, null, options);
    conv2dBackwardInput(dy, x, wt, options);
    conv2dBackwardWeight(dy, x, wt, options);
  };
  const xv = variable(x, { requiresGrad: true });
  const wv = variable(wt, { requiresGrad: true });
  const viaAutograd = (): void => {
    xv.grad = null;
    wv.grad = null;
    conv2dVar(xv, wv, null, options).backward(dy);
  };
  const minMs = s.label.includes('ResNet') ? 1 : 50;
  for (let i = 0; i < 2; i++) {
    direct();
    viaAutograd();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < runs; r++) {
    // Alternate which goes first so drift in machine load hits both alike.
    if (r % 2 === 0) {
      a.push(time(direct, minMs));
      b.push(time(viaAutograd, minMs));
    } else {
      b.push(time(viaAutograd, minMs));
      a.push(time(direct, minMs));
    }
  }
  const ma = median(a);
  const mb = median(b);
  console.log(
    `| ${s.label} ${JSON.stringify(s.input)} * ${JSON.stringify(s.weight)} | ${ma.toFixed(2)} ms | ${mb.toFixed(2)} ms | ${(((mb - ma) / ma) * 100).toFixed(1)}% |`,
  );
}
