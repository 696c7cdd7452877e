// The networks of the `wholenets` family and everything every runtime is given: @torchlet/vision's
// ResNet-18 and MobileNetV2 with seeded weights, the seeded input and labels, the ONNX export (what
// onnxruntime-web runs) and the safetensors weights (what PyTorch loads), all from one build, so
// every contender computes with the same numbers. Shared by the timed family (wholenets.ts), the
// memory probes (wholenet-memory.ts) and the smoke test.

import { noGrad } from '@torchlet/autograd';
import { BatchNorm2d, saveSafetensors } from '@torchlet/nn';
import { exportOnnx } from '@torchlet/onnx';
import { fromStorage, Generator, randn, type Tensor } from '@torchlet/tensor';
import { type MobileNetV2, mobilenetV2, type ResNet, resnet18 } from '@torchlet/vision';
import { randomData } from './data.js';
import { WHOLE_NETS } from './shapes.js';

/** A network of the family. */
export type WholeNetName = (typeof WHOLE_NETS.nets)[number];

/** A built network of the family. */
export type WholeNet = ResNet | MobileNetV2;

/** One network at one input size. */
export interface WholeNetCase {
  readonly net: WholeNetName;
  readonly numClasses: number;
  readonly batch: number;
  /** Height and width of the square input. */
  readonly size: number;
}

/** The input shape `[batch, 3, size, size]`. */
export function inputShape(c: WholeNetCase): [number, number, number, number] {
  return [c.batch, 3, c.size, c.size];
}

/**
 * The network with seeded weights (`Generator(weightSeed)`), BatchNorm running statistics moved off
 * (0, 1) by the same generator so evaluation mode really uses them; training mode (the default).
 */
export function buildNet(c: WholeNetCase): WholeNet {
  const generator = new Generator(WHOLE_NETS.weightSeed);
  const net: WholeNet =
    c.net === 'resnet18'
      ? resnet18({ numClasses: c.numClasses, generator })
      : mobilenetV2({ numClasses: c.numClasses, generator });
  for (const m of net.modules()) {
    if (!(m instanceof BatchNorm2d) || !m.trackRunningStats) continue;
    m.runningMean.copyInPlace(randn([m.numFeatures], { generator }).mul(0.1));
    m.runningVar.copyInPlace(randn([m.numFeatures], { generator }).abs().mul(0.2).add(0.9));
  }
  return net;
}

/** The seeded input, values in [-1, 1). */
export function netInputData(c: WholeNetCase): Float32Array {
  const [n, ch, h, w] = inputShape(c);
  return randomData(n * ch * h * w, WHOLE_NETS.inputSeed);
}

/** The seeded class labels of a training batch (int32). */
export function netLabels(c: WholeNetCase): Int32Array {
  const out = new Int32Array(c.batch);
  for (let i = 0; i < c.batch; i++) out[i] = (i * 7919 + 13) % c.numClasses;
  return out;
}

/** The input as a torchlet tensor. */
export function netInput(c: WholeNetCase): Tensor {
  return fromStorage(netInputData(c), inputShape(c));
}

/** The ONNX graph's input and output names (those ort.ts feeds and reads). */
export const ONNX_IO = { inputNames: ['x'], outputNames: ['y'] } as const;

/** Everything a forward workload hands to its contenders, built once. */
export interface ForwardArtifacts {
  /** The model in evaluation mode. */
  readonly model: WholeNet;
  readonly input: Tensor;
  readonly inputData: Float32Array;
  /** torchlet's eval output (under `noGrad`): what every other contender must reproduce. */
  readonly reference: Float32Array;
  /** `exportOnnx(model, [input])` with static shapes, opset 17. */
  readonly onnx: Uint8Array;
  /** `saveSafetensors(model.stateDict())`. */
  readonly safetensors: Uint8Array;
}

/** Builds the model, runs torchlet's reference forward, exports ONNX and the weights. */
export function forwardArtifacts(c: WholeNetCase): ForwardArtifacts {
  const model = buildNet(c).eval();
  const input = netInput(c);
  const reference = noGrad(() => model.forward(input)).data.toTypedArray() as Float32Array;
  const onnx = exportOnnx(model, [input], { opset: 17, ...ONNX_IO });
  return {
    model,
    input,
    inputData: netInputData(c),
    reference: Float32Array.from(reference),
    onnx,
    safetensors: saveSafetensors(model.stateDict()),
  };
}

/**
 * Largest |got - want| over the largest |want| (not over max(1, ...): MobileNetV2's logits are
 * small, and a difference must be judged against them). Infinity when the lengths differ or a
 * value is not finite.
 */
export function outputDifference(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= diff)) diff = d;
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return Number.isFinite(diff) ? diff / (scale || 1) : Number.POSITIVE_INFINITY;
}

/** Above this {@link outputDifference}, a contender's row fails (its outputs are not torchlet's). */
export const AGREE_TOLERANCE = 1e-3;

/** Throws (the contender's cell then reads `error`) when `got` is not `want` within {@link AGREE_TOLERANCE}. */
export function checkAgreement(who: string, got: ArrayLike<number>, want: ArrayLike<number>): number {
  const d = outputDifference(got, want);
  if (!(d <= AGREE_TOLERANCE)) {
    throw new Error(`${who}: MISMATCH: output differs from torchlet's by ${d.toExponential(2)} (relative to max |y|)`);
  }
  return d;
}
