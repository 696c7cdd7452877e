import { Conv2d } from '@torchlet/nn';
import { type Device, manualSeed, type Tensor } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, Report, toCpu } from '../report.js';
import { edgeDetection } from './edge-detection.js';

/** The book's training loop: learn the 1x2 kernel that maps X to Y (optionally from given weights). */
// #region snippet learn-kernel
export async function learnKernel(X: Tensor, Y: Tensor, init?: Tensor) {
  // A convolutional layer with 1 output channel and a kernel of shape (1, 2), no bias, on X's device
  const conv2d = new Conv2d(1, 1, [1, 2], { bias: false }).to(X.device);
  if (init !== undefined) conv2d.weight.data.copyInPlace(init.reshape([1, 1, 1, 2]));
  const initial = conv2d.weight.data.reshape([1, 2]).clone();
  // The layer takes 4-D input and output: (batch size, channel, height, width)
  const X4 = X.reshape([1, 1, 6, 8]);
  const Y4 = Y.reshape([1, 1, 6, 7]);
  const lr = 3e-2; // learning rate
  const losses: number[] = [];
  const log: string[] = [];
  for (let i = 0; i < 10; i++) {
    const Yhat = conv2d.forward(X4);
    const l = Yhat.sub(Y4).pow(2);
    conv2d.zeroGrad();
    l.sum().backward();
    // Update the kernel
    conv2d.weight.data.subInPlace(conv2d.weight.grad as Tensor, lr);
    const loss = (await l.sum().data.cpu()).item(); // reading a GPU tensor is asynchronous
    losses.push(loss);
    if ((i + 1) % 2 === 0) log.push(`epoch ${i + 1}, loss ${loss.toFixed(3)}`);
  }
  return { initial, weight: conv2d.weight.data.reshape([1, 2]), losses, log };
}
// #endregion

/** What the app runs: the book's random initialisation, made reproducible with a seed. */
// #region snippet learn-kernel-run
export function learnKernelRun(device: Device = 'cpu') {
  manualSeed(0); // torchlet's generator is not PyTorch's: same seed, different numbers
  const { X, Y } = edgeDetection(device);
  return learnKernel(X, Y); // the layer's own random (Kaiming-uniform) initial kernel
}
// #endregion

export const learnKernelExercise: Exercise = {
  id: 'learn-kernel',
  title: 'Learning a kernel',
  section: 'conv-layer',
  part: 'section',
  summary: 'Conv2d(1, 1, [1, 2], { bias: false }) learns [1, -1] from X and Y by gradient descent (lr 0.03, 10 epochs)',
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const run = await toCpu(await learnKernelRun(device));
    const w = run.weight.toTypedArray() as ArrayLike<number>;
    r.item('train', 'Learning the edge kernel from X and Y')
      .text(
        "Knowing only the input X and the output Y of the edge detector, a 1x2 convolution kernel is learned by gradient descent on the squared error. The loop is the book's: forward, loss, zero the gradient, backward, step. Started from a random kernel, it converges towards [1, -1].",
      )
      .code('learn-kernel')
      .code('learn-kernel-run')
      .tensor('initial weight', run.initial)
      .value('log', run.log.join('\n'), run.log.join('\n'))
      .value('losses', run.losses, '')
      .tensor('conv2d.weight.data.reshape([1, 2])', run.weight)
      .check(
        'the loss decreases every epoch',
        run.losses.every((l, i) => i === 0 || l < run.losses[i - 1]),
      )
      .check(
        'the learned kernel is within 0.1 of [1, -1]',
        Math.abs(w[0] - 1) < 0.1 && Math.abs(w[1] + 1) < 0.1,
        `[${Array.from(w, (v) => v.toFixed(4)).join(', ')}]`,
      );
    return r.result();
  },
};
