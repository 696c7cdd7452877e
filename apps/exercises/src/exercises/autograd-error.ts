import { conv2d, corr2d, type Variable, type VariableOrTensor, variable } from '@torchlet/autograd';
import { Conv2D } from '@torchlet/nn';
import { type Device, slice, type Tensor, tensor, zeros } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, maxAbsDiff, Report, toCpu } from '../report.js';
import { edgeDetection } from './edge-detection.js';

/** The exact message MXNet 1.x raised for the book's Conv2D under autograd (quoted, not run). */
export const MXNET_ERROR =
  'MXNetError: Check failed: AGInfo::IsNone(*output): Assigning to NDArrays that are already in a computational graph will cause undefined behavior when evaluating gradients. Please call backward first to clear the graph or do this out side of a record section. Also note that you cannot use inplace operations like +=, *=, relu(x, out=x), y[idx]=x, etc inside a record section.';

/** The book's loop corr2d on Variables: `Y.set([i, j], ...)` is recorded in place (CopySlices). */
// #region snippet corr2d-loops-autograd
export function corr2dLoopsAutograd(X: Tensor, K: Variable): Variable {
  const [h, w] = K.shape;
  const Y = variable(zeros([X.shape[0] - h + 1, X.shape[1] - w + 1], { device: X.device }));
  for (let i = 0; i < Y.shape[0]; i++) {
    for (let j = 0; j < Y.shape[1]; j++) {
      Y.set([i, j], K.mul(X.get([slice(i, i + h), slice(j, j + w)])).sum()); // in place, recorded
    }
  }
  return Y;
}
// #endregion

/** Gradients of the squared error through the from-scratch layer, the loop version and conv2d. */
// #region snippet scratch-gradients
export function scratchGradients(device: Device = 'cpu') {
  const { X, Y } = edgeDetection(device);
  const layer = new Conv2D([1, 2]).to(device); // corr2d + bias, the book's layer
  layer.weight.data.copyInPlace(tensor([[0.25, 0.5]], { device }));
  layer.forward(X).sub(Y).pow(2).sum().backward();

  const K = variable(tensor([[0.25, 0.5]], { device }), { requiresGrad: true });
  corr2dLoopsAutograd(X, K).sub(Y).pow(2).sum().backward();

  const w = variable(tensor([[[[0.25, 0.5]]]], { device }), { requiresGrad: true }); // [1, 1, 1, 2]
  const b = variable(zeros([1], { device }), { requiresGrad: true });
  conv2d(X.reshape([1, 1, 6, 8]), w, b)
    .sub(Y.reshape([1, 1, 6, 7]))
    .pow(2)
    .sum()
    .backward();
  return {
    layerGrad: layer.weight.grad as Tensor,
    layerBiasGrad: layer.bias.grad as Tensor,
    loopGrad: K.grad as Tensor,
    conv2dGrad: (w.grad as Tensor).reshape([1, 2]),
    conv2dBiasGrad: b.grad as Tensor,
  };
}
// #endregion

/** The from-scratch layer trained with the book's loop (2-D input, so no reshaping). */
// #region snippet train-scratch
export async function trainScratch(device: Device = 'cpu') {
  const { X, Y } = edgeDetection(device);
  const layer = new Conv2D([1, 2]).to(device);
  layer.weight.data.copyInPlace(tensor([[0.25, 0.5]], { device }));
  const lr = 0.01; // the bias sees all 42 outputs: at the book's 0.03 this loss diverges
  const losses: number[] = [];
  for (let i = 0; i < 30; i++) {
    const l = layer.forward(X).sub(Y).pow(2).sum();
    layer.zeroGrad();
    l.backward();
    layer.weight.data.subInPlace(layer.weight.grad as Tensor, lr);
    layer.bias.data.subInPlace(layer.bias.grad as Tensor, lr);
    losses.push((await l.data.cpu()).item()); // reading a GPU tensor is asynchronous
  }
  return { losses, weight: layer.weight.data, bias: layer.bias.data };
}
// #endregion

// #region snippet batched-input
export function batchedInput(device: Device = 'cpu'): VariableOrTensor {
  const { X } = edgeDetection(device);
  const layer = new Conv2D([1, 2]).to(device);
  return layer.forward(X.reshape([1, 1, 6, 8])); // 4-D: (batch, channel, height, width)
}
// #endregion

// #region snippet batched-corr2d
export function batchedCorr2d(device: Device = 'cpu'): Variable {
  const { X } = edgeDetection(device);
  const K = variable(tensor([[1, -1]], { device }), { requiresGrad: true });
  return corr2d(X.reshape([1, 1, 6, 8]), K); // the differentiable corr2d itself
}
// #endregion

// #region snippet non-scalar-backward
export function nonScalarBackward(device: Device = 'cpu'): void {
  const { X } = edgeDetection(device);
  const layer = new Conv2D([1, 2]).to(device);
  layer.forward(X).backward(); // a 6x7 output, not a scalar loss
}
// #endregion

export const autogradErrorExercise: Exercise = {
  id: 'autograd-error',
  title: 'Exercise 2: automatic differentiation of the from-scratch Conv2D',
  section: 'conv-layer',
  part: 'exercise',
  summary:
    "what MXNet raised, why PyTorch does not for 2-D input, and torchlet: gradients equal conv2d's; named errors for 4-D input and non-scalar backward",
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    r.item('mxnet', "What the book's readers saw: MXNet")
      .text(
        "The exercise asks what happens when we try to find the gradient for the Conv2D class we created. In the MXNet edition, corr2d fills Y element by element with Y[i, j] = ..., an in-place assignment, inside autograd.record(). MXNet's autograd cannot record in-place writes and stops with (quoted from MXNet 1.x, not run here):",
      )
      .value('MXNet error', MXNET_ERROR, MXNET_ERROR)
      .text(
        "PyTorch raises nothing for 2-D input: Y[i, j] = ... is recorded as a CopySlices node, so gradients flow through the assignment (and the d2l PyTorch code trains). With 4-D batched input the book's corr2d does not fail either - it silently returns an empty [1, 0] tensor, because h, w = K.shape meets X.shape[0] = 1 and X.shape[1] = 1.",
      );
    const g = await toCpu(scratchGradients(device));
    r.item('torchlet-trains', 'torchlet: the from-scratch Conv2D is differentiable')
      .text(
        "torchlet records in-place slice assignment like PyTorch does (set becomes a CopySlices node), and its corr2d is a differentiable op with its own backward. So the book's layer trains, and its gradients equal those of the batched conv2d - as does the book's loop version written with set.",
      )
      .code('corr2d-loops-autograd')
      .code('scratch-gradients')
      .tensor('layer.weight.grad', g.layerGrad)
      .tensor('layer.bias.grad', g.layerBiasGrad)
      .tensor('K.grad (loop corr2d with set)', g.loopGrad)
      .tensor('conv2d weight grad', g.conv2dGrad)
      .check(
        "Conv2D's weight gradient equals conv2d's",
        maxAbsDiff(g.layerGrad, g.conv2dGrad) <= 1e-5,
        `max |diff| = ${maxAbsDiff(g.layerGrad, g.conv2dGrad)}`,
      )
      .check(
        "Conv2D's bias gradient equals conv2d's",
        maxAbsDiff(g.layerBiasGrad, g.conv2dBiasGrad) <= 1e-5,
        `max |diff| = ${maxAbsDiff(g.layerBiasGrad, g.conv2dBiasGrad)}`,
      )
      .check(
        'the loop version with recorded set gives the same gradient',
        maxAbsDiff(g.loopGrad, g.conv2dGrad) <= 1e-5,
        `max |diff| = ${maxAbsDiff(g.loopGrad, g.conv2dGrad)}`,
      );
    const t = await toCpu(await trainScratch(device));
    const w = t.weight.toTypedArray() as ArrayLike<number>;
    r.item('train-scratch', 'Training the from-scratch Conv2D')
      .text(
        "With its gradients in hand, the book's layer trains like nn.Conv2d: the same loop, updating the kernel and the bias, from the kernel [0.25, 0.5]. The bias adds curvature to the loss (its gradient sums over all 42 outputs), so the step is 0.01 rather than the book's 0.03, at which this loss diverges.",
      )
      .code('train-scratch')
      .value(
        'losses',
        t.losses,
        [4, 9, 14, 19, 24, 29].map((i) => `epoch ${i + 1}, loss ${t.losses[i].toFixed(3)}`).join('\n'),
      )
      .tensor('layer.weight.data', t.weight)
      .tensor('layer.bias.data', t.bias)
      .check(
        'the loss decreases every epoch',
        t.losses.every((l, i) => i === 0 || l < t.losses[i - 1]),
      )
      .check(
        'the kernel approaches [1, -1] (within 0.05)',
        Math.abs(w[0] - 1) < 0.05 && Math.abs(w[1] + 1) < 0.05,
        `[${Array.from(w, (v) => v.toFixed(4)).join(', ')}]`,
      );
    r.item('errors', 'torchlet: what fails, fails loudly')
      .text(
        'Where PyTorch returns an empty tensor for 4-D input, torchlet refuses: the Conv2D layer names the shape it got and the one it expects, and corr2d itself names both shapes and points to conv2d for batched input. And backward() needs a scalar (or an explicit gradient), as in PyTorch.',
      )
      .code('batched-input')
      .error('batchedInput()', () => batchedInput(device))
      .code('batched-corr2d')
      .error('batchedCorr2d()', () => batchedCorr2d(device))
      .code('non-scalar-backward')
      .error('nonScalarBackward()', () => nonScalarBackward(device));
    return r.result();
  },
};
