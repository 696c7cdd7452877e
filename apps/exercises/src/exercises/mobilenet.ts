import { Conv2d } from '@torchlet/nn';
import { type Device, rand } from '@torchlet/tensor';
import { mobilenetV2, summary } from '@torchlet/vision';
import { DEFAULT_RUN, type Exercise, Report } from '../report.js';
import { blockCosts, costTable, total } from './model-costs.js';
import { resnet18Costs } from './resnet.js';

// #region snippet mobilenet
export function mobilenetV2Summary(device: Device = 'cpu') {
  const net = mobilenetV2().to(device); // torchvision's MobileNetV2 (1000 classes)
  const X = rand([1, 3, 96, 96], { device }); // 96 x 96 input as the others, on the model's device
  const s = summary(net, X.shape, { input: X });
  const depthwise = net.modules().filter((m) => m instanceof Conv2d && m.groups > 1 && m.groups === m.inChannels);
  return {
    text: s.toString(),
    params: s.totalParams,
    costs: blockCosts(net, X),
    depthwise: depthwise.length,
  };
}
// #endregion

export const mobilenetExercise: Exercise = {
  id: 'mobilenet-v2',
  title: 'Beyond the book: MobileNetV2, depthwise separable convolutions',
  section: 'modern-cnns',
  part: 'beyond',
  summary:
    "torchvision's MobileNetV2: 3.5M parameters and a sixth of ResNet-18's multiply-adds, from 17 depthwise 3x3 convolutions between 1x1 ones",
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const m = mobilenetV2Summary(device);
    const resnet = resnet18Costs(device);
    const ratio = total(resnet.costs, 'macs') / total(m.costs, 'macs');
    r.item('summary', 'MobileNetV2, block by block')
      .text(
        "Not in the book, but the grouped convolutions of the channels exercises taken to the limit: a depthwise 3x3 convolution (groups = channels) filters each channel on its own, with k^2 c multiply-adds per pixel instead of k^2 c^2, and 1x1 convolutions mix the channels. MobileNetV2 wraps each depthwise convolution in an inverted residual block (1x1 expand by 6, depthwise 3x3, 1x1 project), for a fraction of ResNet-18's cost.",
      )
      .code('mobilenet')
      .value('summary', m.text, m.text)
      .value('costs', costTable(m.costs), costTable(m.costs))
      .value('ratio', Number(ratio.toFixed(3)), `ResNet-18 / MobileNetV2 multiply-adds at 96 x 96: ${ratio.toFixed(2)}`)
      .check(
        "3,504,872 parameters, torchvision's published count",
        m.params === 3504872 && total(m.costs, 'params') === m.params,
      )
      .check('17 depthwise convolutions', m.depthwise === 17)
      .check(
        'under a fifth of the multiply-adds of ResNet-18, under a third of its parameters',
        ratio > 5 && m.params * 3 < resnet.params,
      );
    return r.result();
  },
};
