import { readFileSync } from 'node:fs';
import { tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { importOnnx } from './index.js';
import { flatValues } from './tensor-data.js';

// Models written by PyTorch's torch.onnx.export (test/fixtures/generate.py, weights and inputs by
// formula): each imports, matches PyTorch's outputs (at two batch sizes when exported with a
// dynamic batch) and PyTorch's gradient for its first parameter.

interface Run {
  readonly input: number[];
  readonly outputShape: number[];
  readonly output: number[];
}
interface Case {
  readonly name: string;
  readonly file: string;
  readonly opset: number;
  readonly dynamicBatch: boolean;
  readonly ops: string[];
  readonly runs: Run[];
  readonly grad: { readonly parameter: string; readonly shape: number[]; readonly data: number[] };
}

const dir = new URL('../test/fixtures/', import.meta.url);
const { cases } = JSON.parse(readFileSync(new URL('pytorch-outputs.json', dir), 'utf8')) as { cases: Case[] };

/** The generator's input formula: sin(0.11 i + 0.3 n), rounded to float32. */
function example(shape: number[], n = 0) {
  const size = shape.reduce((p, s) => p * s, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = Math.sin(0.11 * i + 0.3 * n);
  return tensor(data).reshape(shape);
}

function expectClose(got: ArrayLike<number>, want: readonly number[], tol: number): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  expect(worst).toBeLessThan(tol);
}

describe('importOnnx: models exported by PyTorch', () => {
  expect(cases.length).toBeGreaterThanOrEqual(5);
  for (const c of cases) {
    it(`${c.name} (opset ${c.opset}: ${c.ops.join(', ')})`, () => {
      const model = importOnnx(readFileSync(new URL(c.file, dir)));
      expect(model.opset).toBe(c.opset);
      expect(model.producer).toMatch(/^pytorch/);
      expect(model.inputs[0].shape?.[0]).toBe(c.dynamicBatch ? null : c.runs[0].input[0]);
      for (const run of c.runs) {
        const y = model.forward(example(run.input));
        expect(y.shape).toEqual(run.outputShape);
        expectClose(flatValues(y.data), run.output, 2e-5);
      }
    });

    it(`${c.name}: trains (gradient of PyTorch's first parameter) and state round-trips`, () => {
      const model = importOnnx(readFileSync(new URL(c.file, dir)));
      const params = new Map(model.namedParameters());
      const p = params.get(c.grad.parameter);
      // PyTorch folds some parameters into nodes' constants; the first one is kept by name when it survives export.
      if (p === undefined) {
        expect(model.namedParameters().length).toBeGreaterThan(0);
        return;
      }
      expect(p.shape).toEqual(c.grad.shape);
      const run = c.runs[0];
      const y = model.forward(example(run.input));
      const r = new Float32Array(y.numel);
      for (let i = 0; i < r.length; i++) r[i] = Math.cos(0.7 * i);
      y.mul(tensor(r).reshape([...y.shape]))
        .sum()
        .backward();
      expectClose(p.grad ? flatValues(p.grad) : [], c.grad.data, 1e-4);
      // stateDict -> loadStateDict into a fresh import restores every value.
      const state = model.stateDict();
      const fresh = importOnnx(readFileSync(new URL(c.file, dir)));
      for (const t of Object.values(fresh.stateDict())) if (t.dtype === 'float32') t.copyInPlace(t.mul(0));
      fresh.loadStateDict(state);
      expectClose(flatValues(fresh.forward(example(run.input)).data), run.output, 2e-5);
    });
  }
});
