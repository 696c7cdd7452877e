// The onnxruntime-web models of the browser workloads, serialised in Node (../onnx-model.ts needs
// Node's `require` for onnx-proto) and served to the page as files: spec.ts's ortGraph as bytes.

import { randomData } from '../data.js';
import { onnxModel } from '../onnx-model.js';
import { BROWSER_WORKLOADS, type OrtGraph, ortGraph, ortModelPath, PAGE_PATHS } from './spec.js';

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** The serialised ModelProto of `g`, its initializers filled from their seeds. */
export function ortGraphModel(g: OrtGraph): Uint8Array {
  return onnxModel(
    g.inShape,
    g.nodes,
    g.initializers.map((t) => ({ name: t.name, dims: t.dims, data: randomData(size(t.dims), t.seed) })),
  );
}

/** The probe ({@link PAGE_PATHS}`.ortProbe`): `y = Relu(x)` on a float32 [4]. */
export function ortProbeModel(): Uint8Array {
  return onnxModel([4], [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }]);
}

/**
 * Every model the page may fetch, keyed by URL path: each workload's that onnxruntime-web can run
 * ({@link ortModelPath} of its index in {@link BROWSER_WORKLOADS}) and the probe.
 */
export function ortModelFiles(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>([[PAGE_PATHS.ortProbe, ortProbeModel()]]);
  for (const [i, w] of BROWSER_WORKLOADS.entries()) {
    const g = ortGraph(w);
    if (g) files.set(ortModelPath(i), ortGraphModel(g));
  }
  return files;
}
