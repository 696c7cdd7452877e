// The browser workloads (runs in the page): the same ops, data and tfjs peers as the Node suite's
// bench-tensor.ts / bench-conv.ts. Those import Node-only modules, so the page builds its own from
// the Node-free spec.ts, ../conv-cases.ts (the conv ops' data and calls, shared with bench-conv.ts),
// ../shapes.ts and ../data.ts (the `nets` layers: net-conv-case.ts). tfjs here is tfjs-core + tfjs-backend-wasm only; onnxruntime-web
// runs spec.ts's ortGraph of the workload (ort-page.ts), on the same numbers.

import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { fromStorage, matmul, type Tensor } from '@torchlet/tensor';
import { convCases } from '../conv-cases.js';
import { randomData } from '../data.js';
import type { Contender, Prepared, TorchletName, Workload } from '../harness.js';
import type { TfCase } from '../tfjs.js';
import { concatOutputs, TORCHLET_CONFIGS, torchletContenders } from '../torchlet.js';
import { netConvCase } from './net-conv-case.js';
import { ortWebContenders } from './ort-page.js';
import type { PageSetup } from './protocol.js';
import { type BrowserWorkloadSpec, convGeometry, convShape, describeWorkload, matmulSeeds, ortGraph } from './spec.js';
import { wholeNetWorkload } from './wholenets-page.js';

/**
 * The tfjs-wasm contender of one workload, with the backend already active: `build` creates the
 * inputs once; each timed call runs the op, reads the result with `dataSync()` and disposes it.
 */
export function tfjsWasmContender(build: () => TfCase): Contender {
  return {
    name: 'tfjs-wasm',
    // XNNPACK's pool as tfjs-backend-wasm reports it (the load's setThreadsCount, capped).
    threads: () => getThreadsCount(),
    prepare: (): Prepared => {
      const c = build();
      const run = (): (Float32Array | Int32Array | Uint8Array)[] => {
        const y = tf.tidy(c.run);
        const ys = Array.isArray(y) ? y : [y];
        const data = ys.map((t) => t.dataSync());
        tf.dispose(ys);
        return data;
      };
      return {
        run,
        output: () =>
          concatOutputs(
            run().map((part, i) => {
              const data = Float32Array.from(part);
              return c.toCanonical ? c.toCanonical(data, i) : data;
            }),
          ),
        dispose: () => tf.dispose([...c.inputs]),
      };
    },
  };
}

/**
 * Builds one workload for a page load: its torchlet configurations, tfjs-wasm, then the load's
 * onnxruntime-web sessions on `ortModel` (the served bytes of the workload's ortGraph; null where
 * it has none). A whole network is wholenets-page.ts's (no tfjs; its model exported in the page).
 */
export function browserWorkload(spec: BrowserWorkloadSpec, setup: PageSetup, ortModel: Uint8Array | null): Workload {
  if (spec.op === 'wholenet forward') return wholeNetWorkload(spec, setup.torchlet, setup.ort);
  const { family, name, shape, flops } = describeWorkload(spec);
  const ort = ortWebContenders(setup.ort, ortGraph(spec), ortModel);
  const skip = (Object.keys(TORCHLET_CONFIGS) as TorchletName[]).filter((n) => !setup.torchlet.includes(n));
  const torchlet = (build: () => () => Tensor | readonly Tensor[]): Contender[] => torchletContenders(build, { skip });

  if (spec.op === 'matmul') {
    const n = spec.size;
    const seeds = matmulSeeds(n);
    const aData = randomData(n * n, seeds.a);
    const bData = randomData(n * n, seeds.b);
    return {
      family,
      name,
      shape,
      flops,
      contenders: [
        ...torchlet(() => {
          const x = fromStorage(aData, [n, n]);
          const y = fromStorage(bData, [n, n]);
          return () => matmul(x, y);
        }),
        tfjsWasmContender(() => {
          const x = tf.tensor(aData, [n, n]);
          const y = tf.tensor(bData, [n, n]);
          return { run: () => tf.matMul(x, y), inputs: [x, y] };
        }),
        ...ort,
      ],
    };
  }

  if (spec.op === 'net conv') {
    const c = netConvCase(spec.layer);
    return { family, name, shape, flops, contenders: [...torchlet(c.torchlet), tfjsWasmContender(c.tfjs), ...ort] };
  }

  // The Node suite's data and calls (conv-cases.ts). On the forward+backward workload tfjs-wasm's
  // call fails (no Conv2DBackpropFilter kernel) and its cell reads n/a (no kernel), as does
  // onnxruntime-web's (no training kernels).
  const c = convCases(convGeometry(convShape(spec.conv)))[spec.op];
  return {
    family,
    name,
    shape,
    flops,
    contenders: [...torchlet(c.torchlet), tfjsWasmContender(c.tfjs), ...ort],
  };
}
