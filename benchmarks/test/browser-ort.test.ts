// onnxruntime-web in the browser benchmark, without a browser: the models main.ts serves are run
// here by onnxruntime-web itself (its Node build, one thread) on the input the page makes, and must
// give what torchlet gives on the other contenders' data; the thread counts the page records; the
// files it serves from onnxruntime-web's package.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fromStorage, matmul } from '@torchlet/tensor';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { netConvCase } from '../src/browser/net-conv-case.js';
import { ortModelFiles, ortProbeModel } from '../src/browser/ort-models.js';
import { ortWebContenders, useOrt } from '../src/browser/ort-page.js';
import {
  BROWSER_WORKLOADS,
  type BrowserWorkloadSpec,
  convGeometry,
  convShape,
  describeWorkload,
  ORT_FILES,
  ortGraph,
  ortModelPath,
  ortSessionThreads,
  PAGE_PATHS,
  resolveThreads,
} from '../src/browser/spec.js';
import { wholeNetCase, wholeNetWorkload } from '../src/browser/wholenets-page.js';
import { convCases } from '../src/conv-cases.js';
import { randomData } from '../src/data.js';
import { classifyError, type HarnessOptions, relativeDiff, runWorkload } from '../src/harness.js';
import { concatOutputs } from '../src/torchlet.js';

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** torchlet's output of a workload on the data the page's other contenders use. */
function torchletOutput(w: BrowserWorkloadSpec): Float64Array {
  if (w.op === 'matmul') {
    const a = fromStorage(randomData(w.size * w.size, 30 + w.size), [w.size, w.size]);
    const b = fromStorage(randomData(w.size * w.size, 31 + w.size), [w.size, w.size]);
    return Float64Array.from(matmul(a, b).toTypedArray() as Float32Array);
  }
  if (w.op === 'wholenet forward') throw new Error('not a single-op workload');
  if (w.op === 'net conv') return Float64Array.from(netConvCase(w.layer).torchlet()().toTypedArray() as Float32Array);
  const y = convCases(convGeometry(convShape(w.conv)))[w.op].torchlet()();
  const parts = Array.isArray(y) ? y : [y];
  return concatOutputs(parts.map((t) => t.toTypedArray() as Float32Array));
}

describe('the models onnxruntime-web runs in the page', () => {
  beforeAll(() => {
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
  });

  it('has one per workload with an inference kernel: MatMul, Conv, ConvTranspose; none for training', () => {
    expect(
      BROWSER_WORKLOADS.map(
        (w) =>
          ortGraph(w)
            ?.nodes.map((n) => n.op)
            .join() ?? null,
      ),
    ).toEqual(['MatMul', 'Conv', 'Conv', 'ConvTranspose', null, null, null, 'Conv', 'Conv', 'Conv', 'Conv', 'Conv']);
    const files = ortModelFiles();
    expect([...files.keys()].sort()).toEqual(
      [PAGE_PATHS.ortProbe, ...[0, 1, 2, 3, 7, 8, 9, 10, 11].map(ortModelPath)].sort(),
    );
    expect(ortModelPath(3)).toBe('/ort-models/3.onnx');
  });

  it('runs the probe the page runs in setup', async () => {
    const s = await ort.InferenceSession.create(ortProbeModel(), { executionProviders: ['wasm'] });
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.of(-1, 0, 2, -3), [4]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([0, 0, 2, 0]);
    await s.release();
  });

  it("gives torchlet's result on the same numbers for every served model", async () => {
    const files = ortModelFiles();
    for (const [i, w] of BROWSER_WORKLOADS.entries()) {
      const g = ortGraph(w);
      if (!g) continue;
      const model = files.get(ortModelPath(i));
      expect(model, describeWorkload(w).name).toBeDefined();
      const s = await ort.InferenceSession.create(model!, { executionProviders: ['wasm'], intraOpNumThreads: 1 });
      const x = new ort.Tensor('float32', randomData(size(g.inShape), g.inputSeed), [...g.inShape]);
      const y = (await s.run({ x })).y;
      await s.release();
      const expected = torchletOutput(w);
      const { name, shape } = describeWorkload(w);
      expect(y.data.length, `${name} ${shape}`).toBe(expected.length);
      expect(relativeDiff(y.data as Float32Array, expected), `${name} ${shape}`).toBeLessThan(1e-5);
    }
  }, 60_000);
});

describe('thread counts recorded for onnxruntime-web', () => {
  it("records the pool's threads, and refuses ort-wasm-1t on a pool of more than one", () => {
    expect(ortSessionThreads('ort-wasm-1t', 1)).toBe(1);
    expect(ortSessionThreads('ort-wasm', 2)).toBe(2);
    expect(ortSessionThreads('ort-wasm', 1)).toBe(1);
    expect(() => ortSessionThreads('ort-wasm-1t', 2)).toThrow(/numThreads = 1/);
    expect(resolveThreads('cores', 8)).toBe(8);
    expect(resolveThreads(1, 8)).toBe(1);
  });

  it('reports each contender with its threads, and a workload without a model as no kernel', async () => {
    const forwardBackward = BROWSER_WORKLOADS.findIndex((w) => w.op === 'conv2d forward+backward');
    const cs = ortWebContenders(['ort-wasm-1t', 'ort-wasm'], ortGraph(BROWSER_WORKLOADS[forwardBackward]), null);
    expect(cs.map((c) => c.name)).toEqual(['ort-wasm-1t', 'ort-wasm']);
    // Before setupOrt the pool is one thread (the page's setup sizes it).
    expect(cs.map((c) => c.threads?.())).toEqual([1, 1]);
    const err = await Promise.resolve()
      .then(() => cs[0].prepare())
      .catch((e: unknown) => e);
    expect(classifyError(err).status).toBe('no-kernel');
  });
});

describe("onnxruntime-web's files", () => {
  it('are in its package, as the server reads them', () => {
    const require = createRequire(import.meta.url);
    const dist = path.dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
    for (const f of Object.values(ORT_FILES)) expect(existsSync(path.join(dist, f)), f).toBe(true);
  });
});

describe('the whole networks in the page, at a tiny size', () => {
  it('runs torchlet and onnxruntime-web on the exported model, checked, with each thread count', async () => {
    useOrt(ort, 1);
    const opts: HarnessOptions = { runs: 2, warmupMs: 0, minSampleMs: 0, slowCallMs: 0, budgetMs: 10_000 };
    for (const spec of BROWSER_WORKLOADS) {
      if (spec.op !== 'wholenet forward') continue;
      const tiny = { ...wholeNetCase(spec), numClasses: 4, size: 32, batch: 2 };
      const r = await runWorkload(
        wholeNetWorkload(spec, ['torchlet-wasm-1t'], ['ort-wasm-1t', 'ort-wasm'], tiny),
        opts,
      );
      expect(r.results.map((c) => [c.name, c.status, c.note, c.threads])).toEqual([
        ['torchlet-wasm-1t', 'ok', undefined, 1],
        ['ort-wasm-1t', 'ok', undefined, 1],
        ['ort-wasm', 'ok', undefined, 1],
      ]);
      for (const c of r.results) expect(c.relDiff).toBeLessThan(1e-4);
      expect(r.family).toBe('wholenets');
    }
  }, 60_000);
});

describe("the nets layers' tfjs cases in the page", () => {
  it("give torchlet's result (tfjs-core on its cpu backend here, the page's code unchanged)", async () => {
    await tf.setBackend('cpu');
    for (const w of BROWSER_WORKLOADS) {
      if (w.op !== 'net conv') continue;
      const c = netConvCase(w.layer);
      const tc = c.tfjs();
      const y = tc.run() as tf.Tensor;
      const got = tc.toCanonical ? tc.toCanonical(y.dataSync() as Float32Array, 0) : y.dataSync();
      tf.dispose([y, ...tc.inputs]);
      const want = c.torchlet()().toTypedArray() as Float32Array;
      expect(relativeDiff(got, want), describeWorkload(w).shape).toBeLessThan(1e-5);
    }
  }, 60_000);
});
