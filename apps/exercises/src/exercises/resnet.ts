import { Conv2d, Linear } from '@torchlet/nn';
import { type Device, rand } from '@torchlet/tensor';
import { resnet18, summary } from '@torchlet/vision';
import { DEFAULT_RUN, type Exercise, Report } from '../report.js';
import { type BlockCost, blockCosts, costTable, total } from './model-costs.js';

// #region snippet resnet
export function resnet18Summary(device: Device = 'cpu') {
  const net = resnet18().to(device); // torchvision's ResNet-18 (1000 classes)
  const X = rand([1, 3, 96, 96], { device }); // the book's 96 x 96 input, on the model's device
  const s = summary(net, X.shape, { input: X });
  const weighted = net
    .namedModules()
    .filter(([name, m]) => (m instanceof Conv2d || m instanceof Linear) && !name.includes('downsample'));
  return { text: s.toString(), params: s.totalParams, costs: blockCosts(net, X), layers: weighted.length };
}
// #endregion

const cached = new Map<Device, ReturnType<typeof resnet18Summary>>();
/** ResNet-18's costs, computed once per run and device (DenseNet and MobileNetV2 compare with them). */
export function resnet18Costs(device: Device = 'cpu'): ReturnType<typeof resnet18Summary> {
  let hit = cached.get(device);
  if (hit === undefined) {
    hit = resnet18Summary(device);
    cached.set(device, hit);
  }
  return hit;
}

export const resnetExercise: Exercise = {
  id: 'resnet',
  title: 'ResNet-18: 18 weighted layers, compute spread evenly over the stages',
  section: 'modern-cnns',
  part: 'section',
  summary:
    "torchvision's ResNet-18: 11.7M parameters, 18 layers with weights; each stage halves the size and doubles the channels, so each costs about the same, while layer4 holds 75% of the parameters",
  async run({ device } = DEFAULT_RUN) {
    const r = new Report(this.id, this.title, this.part);
    const s = resnet18Costs(device);
    const stages = ['layer1', 'layer2', 'layer3', 'layer4'].map((n) => s.costs.find((c) => c.name === n) as BlockCost);
    const stageMacs = stages.map((c) => c.macs);
    r.item('summary', 'ResNet-18, block by block')
      .text(
        "A 7x7 stem, four stages of two residual blocks each (two 3x3 convolutions plus the identity, or a 1x1 convolution where the shape changes), global average pooling and one Linear layer: 1 + 4 x 2 x 2 + 1 = 18 layers with weights. Each stage halves height and width and doubles the channels, so a 3x3 convolution's cost (channels^2 x positions) stays the same from stage to stage, while its parameters (channels^2) quadruple: the last stage holds three quarters of the parameters but costs no more than the first.",
      )
      .code('resnet')
      .value('summary', s.text, s.text)
      .value('costs', costTable(s.costs), costTable(s.costs))
      .check(
        "11,689,512 parameters, torchvision's published count",
        s.params === 11689512 && total(s.costs, 'params') === s.params,
      )
      .check('18 layers with weights (17 convolutions and the Linear, not counting the 1x1 shortcuts)', s.layers === 18)
      .check('the four stages cost within 15% of each other', Math.max(...stageMacs) / Math.min(...stageMacs) < 1.15)
      .check('layer4 holds over 70% of the parameters', stages[3].params / s.params > 0.7);
    return r.result();
  },
};
