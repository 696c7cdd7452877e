import { type Device, rand } from '@torchlet/tensor';
import { summary, type VggConfig, vgg11, vggConfigs, vggFeatures } from '@torchlet/vision';
import { DEFAULT_RUN, type Exercise, Report } from '../report.js';
import { blockCosts, costTable, total } from './model-costs.js';

/** VGG's parameters and multiply-adds from its configuration, by hand (3x3 convolutions, 2x2 pooling, 7x7 x 512 into the classifier). */
// #region snippet vgg-by-hand
export function vggByHand(config: VggConfig, size = 224, classes = 1000) {
  let cIn = 3;
  let hw = size;
  let convParams = 0;
  let convMacs = 0;
  for (const v of config) {
    if (v === 'M') {
      hw /= 2;
      continue;
    }
    convParams += v * (cIn * 9 + 1);
    convMacs += v * cIn * 9 * hw * hw;
    cIn = v;
  }
  const dense = [512 * 7 * 7, 4096, 4096, classes];
  const denseParams = dense.slice(1).reduce((s, out, i) => s + out * (dense[i] + 1), 0);
  const denseMacs = dense.slice(1).reduce((s, out, i) => s + out * dense[i], 0);
  return { convParams, convMacs, denseParams, denseMacs };
}
// #endregion

// #region snippet vgg-small
export function smallVgg(device: Device = 'cpu') {
  // the book trains a VGG-11 with a quarter of the channels; its convolutional part, at 224 x 224
  const config = vggConfigs.A.map((v) => (v === 'M' ? v : v / 4)) as VggConfig;
  const features = vggFeatures(config).to(device);
  const X = rand([1, 3, 224, 224], { device }); // the input the summary runs, on the model's device
  const s = summary(features, X.shape, { input: X });
  return { config, text: s.toString(), params: s.totalParams, costs: blockCosts(features, X) };
}
export function fullVgg11(device: Device = 'cpu') {
  const net = vgg11().to(device); // torchvision's VGG-11: 132.9M parameters (tens of seconds to initialise in JavaScript)
  const X = rand([1, 3, 224, 224], { device });
  const s = summary(net, X.shape, { input: X });
  return { text: s.toString(), params: s.totalParams, costs: blockCosts(net, X) };
}
// #endregion

export const vggExercise: Exercise = {
  id: 'vgg',
  title:
    'VGG-11: blocks of 3x3 convolutions; 90% of the parameters in the dense layers, 98% of the compute in the convolutions',
  section: 'modern-cnns',
  part: 'section',
  summary:
    "VGG-11 by hand from its configuration (132.9M parameters, 7.6G multiply-adds), the book's quarter-width VGG-11 summarised, and torchvision's vgg11 itself with --long",
  async run(options = DEFAULT_RUN) {
    const { device } = options;
    const r = new Report(this.id, this.title, this.part);
    const full = vggByHand(vggConfigs.A);
    const params = full.convParams + full.denseParams;
    const macs = full.convMacs + full.denseMacs;
    const small = smallVgg(device);
    const smallByHand = vggByHand(small.config);
    const item = r
      .item('vgg11', 'VGG-11')
      .text(
        "VGG builds a network from blocks of 3x3 convolutions (padding 1) followed by 2x2 max-pooling; VGG-11 (configuration A) has 8 convolutions in 5 blocks and AlexNet's three dense layers. Its 224 x 224 input reaches the classifier as 512 x 7 x 7 = 25,088 features, so the first dense layer alone has 102.8M weights: the dense layers hold 93% of the parameters, while the convolutions, run at full resolution, do 98% of the 7.6G multiply-adds. The numbers below are computed by hand from the configuration; building torchvision's vgg11 (132.9M random weights) takes tens of seconds in JavaScript, so that runs only with --long. The book itself trains a VGG-11 with a quarter of the channels, which cuts the convolutions' compute by almost 16 (all but the first, whose 3 input channels stay, by exactly 16).",
      )
      .code('vgg-by-hand')
      .value(
        'by hand',
        [params, macs],
        `VGG-11 by hand: ${params.toLocaleString('en-US')} parameters, ${macs.toLocaleString('en-US')} multiply-adds`,
      )
      .check("132,863,336 parameters, torchvision's published count", params === 132863336)
      .check(
        'the dense layers hold 93% of the parameters, the convolutions do 98% of the multiply-adds',
        Math.round((100 * full.denseParams) / params) === 93 && Math.round((100 * full.convMacs) / macs) === 98,
      )
      .code('vgg-small')
      .value('small summary', small.text, small.text)
      .value('small costs', costTable(small.costs), costTable(small.costs))
      .value(
        'ratio',
        Number((full.convMacs / smallByHand.convMacs).toFixed(3)),
        `full / quarter-width convolution multiply-adds: ${(full.convMacs / smallByHand.convMacs).toFixed(2)}`,
      )
      .check(
        'the quarter-width features have the hand-counted parameters and multiply-adds',
        small.params === smallByHand.convParams && total(small.costs, 'macs') === smallByHand.convMacs,
        `${small.params} and ${total(small.costs, 'macs')} vs ${smallByHand.convParams} and ${smallByHand.convMacs}`,
      )
      .check(
        'and cost between 1/16 and 1/15 of the full convolutions',
        full.convMacs / smallByHand.convMacs > 15 && full.convMacs / smallByHand.convMacs < 16,
      );
    if (options?.long) {
      const v = fullVgg11(device);
      item
        .value('summary', v.text, v.text)
        .value('costs', costTable(v.costs), costTable(v.costs))
        .check(
          "torchvision's vgg11 has the hand-counted parameters and multiply-adds",
          v.params === params && total(v.costs, 'macs') === macs,
        );
    }
    return r.result();
  },
};
