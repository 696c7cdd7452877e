import { type Device, rand } from '@torchlet/tensor';
import { googlenet, summary } from '@torchlet/vision';
import { DEFAULT_RUN, type Exercise, Report } from '../report.js';
import { blockCosts, costTable, total } from './model-costs.js';

// #region snippet googlenet
export function googlenetSummary(device: Device = 'cpu') {
  const net = googlenet({ auxLogits: false }).to(device); // torchvision's GoogLeNet (1000 classes)
  const X = rand([1, 3, 96, 96], { device }); // the book's 96 x 96 input, on the model's device
  const s = summary(net, X.shape, { input: X });
  return { text: s.toString(), rows: s.rows, params: s.totalParams, costs: blockCosts(net, X) };
}
// #endregion

/** torchvision's Inception blocks: the output channels of the four branches (1x1, 3x3, 5x5, pool). */
export const BRANCHES: Readonly<Record<string, readonly number[]>> = {
  inception3a: [64, 128, 32, 32],
  inception3b: [128, 192, 96, 64],
  inception4a: [192, 208, 48, 64],
  inception4e: [256, 320, 128, 128],
  inception5b: [384, 384, 128, 128],
};

export const googlenetExercise: Exercise = {
  id: 'googlenet',
  title: 'GoogLeNet: Inception blocks concatenate their branches',
  section: 'modern-cnns',
  part: 'section',
  summary: "torchvision's GoogLeNet: 6.6M parameters; each Inception block's channels are the sum of its four branches",
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const g = googlenetSummary(device);
    const channels = (name: string) => g.rows.find((row) => row.name === name)?.outputShape?.[1];
    const inceptions = (c: { name: string }) => c.name.startsWith('inception');
    r.item('summary', 'GoogLeNet, block by block')
      .text(
        "An Inception block runs four branches side by side - a 1x1 convolution, 1x1 then 3x3, 1x1 then 5x5, and 3x3 max-pooling then 1x1 - and concatenates their outputs along the channels, so its output has the sum of the branches' channels. The 1x1 convolutions in front of the 3x3 and 5x5 ones cut the channels first, which keeps the nine Inception blocks' compute and parameters small: 6.6M parameters in all, a tenth of AlexNet's.",
      )
      .code('googlenet')
      .value('summary', g.text, g.text)
      .value('costs', costTable(g.costs), costTable(g.costs))
      .check(
        "6,624,904 parameters, torchvision's published count",
        g.params === 6624904 && total(g.costs, 'params') === g.params,
      )
      .check(
        "each Inception block's output channels are the sum of its branches (3a: 256, 3b: 480, 4a: 512, 4e: 832, 5b: 1024)",
        Object.entries(BRANCHES).every(([name, b]) => channels(name) === b.reduce((s, v) => s + v, 0)),
      )
      .check(
        'the nine Inception blocks do most of the multiply-adds (the stem about a third at this small input)',
        total(g.costs, 'macs', inceptions) / total(g.costs, 'macs') > 0.6,
      );
    return r.result();
  },
};
