// The whole-network workloads in the page (runs in the browser), as the Node `wholenets` family's
// forward (../wholenets.ts): @torchlet/vision's ResNet-18 / MobileNetV2 with the seeded weights and
// input of ../wholenet-models.ts, torchlet in eval mode under `noGrad` against onnxruntime-web
// running `exportOnnx` of the same model, exported here in the page by @torchlet/onnx. The peer's
// output is checked against torchlet's before it is timed (MISMATCH beyond 1e-3 of max |y|).
// tfjs cannot load ONNX and has no such models with these weights: no tfjs contender.

import { noGrad } from '@torchlet/autograd';
import { exportOnnx } from '@torchlet/onnx';
import type { Tensor } from '@torchlet/tensor';
import type { Contender, OrtName, TorchletName, Workload } from '../harness.js';
import { WHOLE_NETS } from '../shapes.js';
import { TORCHLET_CONFIGS, torchletContenders } from '../torchlet.js';
import {
  buildNet,
  checkAgreement,
  inputShape,
  netInput,
  netInputData,
  ONNX_IO,
  type WholeNet,
  type WholeNetCase,
} from '../wholenet-models.js';
import { ortSessionContenders } from './ort-page.js';
import type { BrowserWorkloadSpec } from './spec.js';
import { describeWorkload } from './spec.js';

/** What the contenders of one network share, built on first use and dropped with the workload. */
interface NetArtifacts {
  readonly model: WholeNet;
  readonly input: Tensor;
  /** torchlet's eval output: what onnxruntime-web must reproduce. */
  readonly reference: Float32Array;
  /** `exportOnnx(model, [input])`, opset 17, static shapes (as the Node family). */
  readonly onnx: Uint8Array;
}

function netArtifacts(c: WholeNetCase): NetArtifacts {
  const model = buildNet(c).eval();
  const input = netInput(c);
  const reference = Float32Array.from(noGrad(() => model.forward(input)).data.toTypedArray() as Float32Array);
  const onnx = exportOnnx(model, [input], { opset: 17, ...ONNX_IO });
  return { model, input, reference, onnx };
}

/** A whole-network workload spec. */
export type WholeNetSpec = Extract<BrowserWorkloadSpec, { op: 'wholenet forward' }>;

/** The network case of a spec: 1000 classes on 224x224, as the Node family. */
export function wholeNetCase(spec: WholeNetSpec): WholeNetCase {
  return { net: spec.net, numClasses: WHOLE_NETS.numClasses, batch: spec.batch, size: WHOLE_NETS.size };
}

/**
 * The forward workload of one network: the load's torchlet configurations, then its
 * onnxruntime-web sessions. `c` is the spec's case (tests pass a smaller one).
 */
export function wholeNetWorkload(
  spec: WholeNetSpec,
  torchletNames: readonly TorchletName[],
  ortNames: readonly OrtName[],
  c: WholeNetCase = wholeNetCase(spec),
): Workload {
  const { family, name, shape } = describeWorkload(spec);
  let art: NetArtifacts | undefined;
  const get = (): NetArtifacts => {
    art ??= netArtifacts(c);
    return art;
  };
  const skip = (Object.keys(TORCHLET_CONFIGS) as TorchletName[]).filter((n) => !torchletNames.includes(n));
  const torchlet = torchletContenders(
    () => {
      const a = get();
      return () => noGrad(() => a.model.forward(a.input)).data;
    },
    { skip },
  );
  const ort: Contender[] = ortSessionContenders(
    ortNames,
    () => ({ model: get().onnx, input: netInputData(c), inShape: inputShape(c) }),
    (who, y) => {
      checkAgreement(who, y, get().reference);
    },
  );
  return { family, name, shape, contenders: [...torchlet, ...ort] };
}
