import { type Device, rand } from '@torchlet/tensor';
import { densenet121, summary } from '@torchlet/vision';
import { DEFAULT_RUN, type Exercise, Report } from '../report.js';
import { blockCosts, costTable, total } from './model-costs.js';
import { resnet18Costs } from './resnet.js';

// #region snippet densenet
export function densenet121Summary(device: Device = 'cpu') {
  const net = densenet121().to(device); // torchvision's DenseNet-121 (1000 classes)
  const X = rand([1, 3, 96, 96], { device }); // the book's 96 x 96 input, on the model's device
  const s = summary(net, X.shape, { depth: 2, input: X });
  return { text: s.toString(), rows: s.rows, params: s.totalParams, costs: blockCosts(net, X) };
}
// #endregion

export const densenetExercise: Exercise = {
  id: 'densenet',
  title: 'DenseNet-121: concatenation makes channels grow; transitions shrink them',
  section: 'modern-cnns',
  part: 'section',
  summary:
    "torchvision's DenseNet-121: each dense layer adds 32 channels (64 + 6 x 32 = 256 after block 1), each transition halves them; fewer parameters than ResNet-18 (8.0M vs 11.7M) but more compute",
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const d = densenet121Summary(device);
    const channels = (name: string) => d.rows.find((row) => row.name === name)?.outputShape?.[1];
    // blocks of 6, 12, 24, 16 layers, growth rate 32, starting from the stem's 64 channels
    const expected: number[] = [];
    let c = 64;
    for (const [i, layers] of [6, 12, 24, 16].entries()) {
      c += layers * 32;
      expected.push(c);
      if (i < 3) {
        c /= 2;
        expected.push(c);
      }
    }
    const names = [
      'denseblock1',
      'transition1',
      'denseblock2',
      'transition2',
      'denseblock3',
      'transition3',
      'denseblock4',
    ].map((n) => `features.${n}`);
    const resnet = resnet18Costs(device);
    const macs = total(d.costs, 'macs');
    r.item('summary', 'DenseNet-121, block by block')
      .text(
        "Where a ResNet adds a block's input to its output, a DenseNet concatenates them: every layer of a dense block sees the feature maps of all layers before it and adds growth-rate (32) new channels, so a block of L layers turns c channels into c + 32 L. Transition layers (a 1x1 convolution and 2x2 average pooling) halve the channels and the resolution in between. The narrow layers make DenseNet-121 smaller than ResNet-18 in parameters, but its many concatenated maps make it costlier to run.",
      )
      .code('densenet')
      .value('summary', d.text, d.text)
      .value('costs', costTable(d.costs), costTable(d.costs))
      .check(
        "7,978,856 parameters, torchvision's published count",
        d.params === 7978856 && total(d.costs, 'params') === d.params,
      )
      .check(
        'channels after each block and transition: 256, 128, 512, 256, 1024, 512, 1024',
        names.every((n, i) => channels(n) === expected[i]) && expected.join() === '256,128,512,256,1024,512,1024',
      )
      .check(
        'fewer parameters than ResNet-18, more multiply-adds',
        d.params < resnet.params && macs > total(resnet.costs, 'macs'),
      );
    return r.result();
  },
};
