import { it } from 'vitest';
import { Tensor } from '@torchlet/tensor';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from '../src/conv2d/conv2d.js';

function rand(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.random() - 0.5;
  return new Tensor(d, shape);
}
function time(f: () => void, reps: number): number {
  for (let i = 0; i < Math.min(reps, 50); i++) f();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1];
}
it('bench', () => {
  const shapes = [
    { name: 'd2l', x: [1, 1, 6, 8], w: [1, 1, 1, 2], pad: 0, reps: 2000 },
    { name: 'tiny2', x: [1, 1, 28, 28], w: [1, 1, 5, 5], pad: 0, reps: 2000 },
    { name: 'small3', x: [1, 3, 16, 16], w: [8, 3, 3, 3], pad: 1, reps: 2000 },
    { name: 'small4', x: [2, 8, 16, 16], w: [8, 8, 3, 3], pad: 1, reps: 500 },
    { name: 'small5', x: [1, 1, 8, 8], w: [2, 1, 3, 3], pad: 1, reps: 2000 },
    { name: 'lenet', x: [64, 1, 28, 28], w: [6, 1, 5, 5], pad: 2, reps: 15 },
    { name: 'lenet2', x: [64, 6, 14, 14], w: [16, 6, 5, 5], pad: 0, reps: 10 },
    
  ];
  for (const s of shapes) {
    const x = rand(s.x); const w = rand(s.w); const b = rand([s.w[0]]);
    const out = conv2d(x, w, b, { padding: s.pad });
    const up = rand([...out.shape]);
    for (const kernel of ['direct', 'im2col', 'direct', 'im2col'] as const) {
      const o = { padding: s.pad, kernel };
      const f = time(() => conv2d(x, w, b, o), s.reps);
      const bi = time(() => conv2dBackwardInput(up, x.shape, w, o), s.reps);
      const bw = time(() => conv2dBackwardWeight(up, x, w.shape, o), s.reps);
      console.log(`${s.name} ${kernel}: fwd ${f.toFixed(3)} ms, bwdIn ${bi.toFixed(3)} ms, bwdW ${bw.toFixed(3)} ms`);
    }
  }
}, 600000);
