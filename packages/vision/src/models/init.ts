// torchvision's weight initialisations, applied after a model's layers are built, as torchvision's
// constructors loop over `self.modules()`.

import { type AnyModule, BatchNorm2d, Conv2d, init, Linear } from '@torchlet/nn';
import { type Generator, randn, type Tensor, tensor } from '@torchlet/tensor';

/** Fills `t` from N(0, std^2) truncated to [a, b], redrawing values outside (torch.nn.init.trunc_normal_). */
export function truncNormal(t: Tensor, std: number, a: number, b: number, generator?: Generator): Tensor {
  const values = Float64Array.from(randn([t.numel], { dtype: 'float64', generator }).toTypedArray() as Float64Array);
  for (let i = 0; i < values.length; i++) {
    let v = values[i] * std;
    while (v < a || v > b) v = randn([1], { dtype: 'float64', generator }).item() * std;
    values[i] = v;
  }
  t.copyInPlace(tensor(values, { shape: t.shape }));
  return t;
}

/** What each model family does to its layers' weights. */
export interface InitRule {
  conv?(m: Conv2d, generator: Generator | undefined): void;
  linear?(m: Linear, generator: Generator | undefined): void;
}

/** Applies `rule` to every Conv2d and Linear of `model`, and sets BatchNorm to weight 1, bias 0. */
export function initialize(model: AnyModule, rule: InitRule, generator: Generator | undefined): void {
  for (const m of model.modules()) {
    if (m instanceof Conv2d) rule.conv?.(m, generator);
    else if (m instanceof Linear) rule.linear?.(m, generator);
    else if (m instanceof BatchNorm2d && m.weight !== null && m.bias !== null) {
      init.ones(m.weight.data);
      init.zeros(m.bias.data);
    }
  }
}

/** Kaiming normal over fan-out for ReLU networks, zero bias (torchvision's VGG, ResNet, MobileNetV2 convs). */
export function kaimingFanOut(m: Conv2d, generator: Generator | undefined): void {
  init.kaimingNormal(m.weight.data, { mode: 'fan_out', nonlinearity: 'relu', generator });
  if (m.bias !== null) init.zeros(m.bias.data);
}

/** N(0, 0.01^2) weights and zero bias (torchvision's VGG and MobileNetV2 classifiers). */
export function smallNormalLinear(m: Linear, generator: Generator | undefined): void {
  init.normal(m.weight.data, 0, 0.01, { generator });
  if (m.bias !== null) init.zeros(m.bias.data);
}
