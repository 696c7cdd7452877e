import { type Device, rand } from '@torchlet/tensor';
import { alexnet, summary } from '@torchlet/vision';
import { DEFAULT_RUN, type Exercise, Report } from '../report.js';
import { blockCosts, costTable, total } from './model-costs.js';

// #region snippet alexnet
export function alexnetSummary(device: Device = 'cpu') {
  const net = alexnet().to(device); // torchvision's AlexNet: 1000 classes, 3 x 224 x 224 input
  const X = rand([1, 3, 224, 224], { device }); // the input the summary runs, on the model's device
  const s = summary(net, X.shape, { input: X });
  return { text: s.toString(), params: s.totalParams, costs: blockCosts(net, X) };
}
// #endregion

export const alexnetExercise: Exercise = {
  id: 'alexnet',
  title: 'AlexNet: the parameters sit in the dense layers, the compute in the convolutions',
  section: 'modern-cnns',
  part: 'section',
  summary:
    "torchvision's AlexNet: 61.1M parameters, 96% of them in the classifier; 91% of the 0.71G multiply-adds in the convolutions",
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const a = alexnetSummary(device);
    const params = total(a.costs, 'params');
    const macs = total(a.costs, 'macs');
    const classifier = (c: { name: string }) => c.name === 'classifier';
    r.item('summary', 'AlexNet, block by block')
      .text(
        "Five convolutions (11x11 stride 4, then 5x5 and three 3x3) with max-pooling, then three fully connected layers of 4096, 4096 and 1000 units with dropout. The book's observation: almost all parameters are in the fully connected layers (the first one alone maps 256 x 6 x 6 = 9216 features to 4096 units, 37.7M weights), while the convolutions, which share their weights across positions, do almost all the arithmetic.",
      )
      .code('alexnet')
      .value('summary', a.text, a.text)
      .code('block-costs')
      .value('costs', costTable(a.costs), costTable(a.costs))
      .check(
        "61,100,840 parameters, torchvision's published count (and the blocks add up to it)",
        a.params === 61100840 && params === a.params,
      )
      .check('the classifier holds over 95% of the parameters', total(a.costs, 'params', classifier) / params > 0.95)
      .check(
        'the convolutions do over 90% of the multiply-adds',
        total(a.costs, 'macs', (c) => !classifier(c)) / macs > 0.9,
      )
      .check(
        '0.71G multiply-adds for one 224 x 224 image',
        Math.abs(macs / 1e9 - 0.714) < 0.005,
        `${(macs / 1e9).toFixed(3)}G`,
      );
    return r.result();
  },
};
