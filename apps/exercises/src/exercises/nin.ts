import { Linear } from '@torchlet/nn';
import { type Device, rand } from '@torchlet/tensor';
import { nin, summary } from '@torchlet/vision';
import { DEFAULT_RUN, type Exercise, Report } from '../report.js';
import { blockCosts, costTable, total } from './model-costs.js';

// #region snippet nin
export function ninSummary(device: Device = 'cpu') {
  const net = nin().to(device); // the book's NiN: 1-channel 224 x 224 input, 10 classes
  const X = rand([1, 1, 224, 224], { device }); // the input the summary runs, on the model's device
  const s = summary(net, X.shape, { input: X });
  return { net, text: s.toString(), params: s.totalParams, costs: blockCosts(net, X) };
}
// #endregion

/** Parameters of the book's NiN blocks by hand: a k x k convolution, then two 1x1 convolutions. */
export function ninParams(blocks: readonly [number, number, number][]): number {
  return blocks.reduce((s, [cIn, cOut, k]) => s + cOut * (cIn * k * k + 1) + 2 * cOut * (cOut + 1), 0);
}

export const ninExercise: Exercise = {
  id: 'nin',
  title: 'NiN: no fully connected layers at all',
  section: 'modern-cnns',
  part: 'section',
  summary:
    "the book's NiN: 1x1 convolutions as per-pixel MLPs and global average pooling instead of dense layers: 2.0M parameters",
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const n = ninSummary(device);
    const linears = n.net.modules().filter((m) => m instanceof Linear).length;
    const byHand = ninParams([
      [1, 96, 11],
      [96, 256, 5],
      [256, 384, 3],
      [384, 10, 3],
    ]);
    r.item('summary', 'NiN, block by block')
      .text(
        "Each NiN block is a convolution followed by two 1x1 convolutions, a small MLP applied at every pixel. The last block has as many channels as classes, and global average pooling turns each channel into one class score, so the dense layers that hold most of AlexNet's and VGG's parameters disappear: about 2M parameters instead of tens of millions, with the same kind of compute in the convolutions.",
      )
      .code('nin')
      .value('summary', n.text, n.text)
      .value('costs', costTable(n.costs), costTable(n.costs))
      .check('no Linear layer anywhere', linears === 0)
      .check('1,992,166 parameters, as counted by hand from the four blocks', n.params === byHand && byHand === 1992166)
      .check('the blocks add up to the total', total(n.costs, 'params') === n.params);
    return r.result();
  },
};
