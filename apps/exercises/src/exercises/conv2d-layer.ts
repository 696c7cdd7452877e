import { corr2d, type Variable } from '@torchlet/autograd';
import { Conv2D, Module, type ModuleInput, Parameter } from '@torchlet/nn';
import { type Device, rand, zeros } from '@torchlet/tensor';
import { DEFAULT_RUN, type Exercise, maxAbsDiff, Report, toCpu } from '../report.js';
import { edgeDetection } from './edge-detection.js';

/** The book's from-scratch layer, written out as the book does (nn exports the same as `Conv2D`). */
// #region snippet conv2d-scratch
export class Conv2DScratch extends Module {
  weight: Parameter;
  bias: Parameter;
  constructor(kernelSize: [number, number]) {
    super();
    this.weight = new Parameter(rand(kernelSize));
    this.bias = new Parameter(zeros([1]));
  }
  forward(x: ModuleInput): Variable {
    return corr2d(x, this.weight).add(this.bias);
  }
}
// #endregion

// #region snippet conv2d-layer-use
export function conv2dLayerDemo(device: Device = 'cpu') {
  const { X, K, Y } = edgeDetection(device);
  const layer = new Conv2DScratch([1, 2]).to(device); // parameters are made on the CPU, then moved
  layer.weight.data.copyInPlace(K); // set the kernel by hand: the layer becomes the edge detector
  const out = layer.forward(X);
  const library = new Conv2D([1, 2]).to(device); // @torchlet/nn's version of the same layer
  library.weight.data.copyInPlace(K);
  return { layer, out, libraryOut: library.forward(X), Y };
}
// #endregion

export const conv2dLayerExercise: Exercise = {
  id: 'conv2d-layer',
  title: 'Convolutional layers: the from-scratch Conv2D',
  section: 'conv-layer',
  part: 'section',
  summary: "the book's Conv2D (corr2d + bias, weight from rand) as a Module with Parameters",
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const d = conv2dLayerDemo(device);
    const cpu = await toCpu({ out: d.out.data, libraryOut: d.libraryOut.data, Y: d.Y });
    r.item('layer', 'A convolutional layer: a kernel and a scalar bias')
      .text(
        'A convolutional layer cross-correlates its input with a kernel and adds a scalar bias; both are parameters, learned by training. Like the book, the kernel starts uniform random and the bias at zero; corr2d here is the differentiable one from @torchlet/autograd, so the layer can be trained.',
      )
      .code('conv2d-scratch')
      .code('conv2d-layer-use')
      .value(
        'parameters',
        d.layer
          .namedParameters()
          .map(([n, p]) => `${n} [${p.shape.join(', ')}]`)
          .join(', '),
        `parameters: ${d.layer
          .namedParameters()
          .map(([n, p]) => `${n} [${p.shape.join(', ')}]`)
          .join(', ')}`,
      )
      .tensor('layer.forward(X)', d.out.data)
      .check('with K = [[1, -1]] and bias 0 the layer computes corr2d(X, K)', cpu.out.equal(cpu.Y))
      .check("@torchlet/nn's Conv2D gives the same output", maxAbsDiff(cpu.libraryOut, cpu.out) === 0)
      .check('the output requires grad (the graph is recorded)', d.out.requiresGrad);
    return r.result();
  },
};
