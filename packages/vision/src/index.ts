/**
 * `@torchlet/vision`: the book's modern CNNs with torchvision's module trees, state-dict names,
 * shapes and initialisation (so torchvision weights saved as safetensors load with `strict`),
 * the book's LeNet and NiN, a `summary` of any model, and image transforms. Layer 5: depends on
 * `@torchlet/nn`, `@torchlet/autograd`, `@torchlet/ops` and `@torchlet/tensor`. PNG and JPEG
 * decoding (Node) is in `@torchlet/vision/node`.
 *
 * @packageDocumentation
 */

export {
  type DrawableImage,
  fromImage,
  fromImageData,
  type ImageMode,
  type ImageReadOptions,
  type RgbaPixels,
} from './image/image-data.js';
export { AlexNet, type AlexNetOptions, alexnet } from './models/alexnet.js';
export { type BookModelOptions, lenet, nin, ninBlock } from './models/book.js';
export {
  DenseBlock,
  DenseLayer,
  DenseNet,
  type DenseNetOptions,
  densenet121,
  Transition,
} from './models/densenet.js';
export {
  BasicConv2d,
  GoogLeNet,
  type GoogLeNetOptions,
  type GoogLeNetOutputs,
  googlenet,
  Inception,
  InceptionAux,
} from './models/googlenet.js';
export {
  Conv2dNormActivation,
  InvertedResidual,
  MobileNetV2,
  type MobileNetV2Options,
  makeDivisible,
  mobilenetV2,
} from './models/mobilenet.js';
export type { ModelOptions } from './models/options.js';
export {
  BasicBlock,
  Bottleneck,
  ResNet,
  type ResNetOptions,
  resnet18,
  resnet34,
  resnet50,
} from './models/resnet.js';
export {
  VGG,
  type VggConfig,
  type VggOptions,
  vgg11,
  vgg11Bn,
  vgg13,
  vgg13Bn,
  vgg16,
  vgg16Bn,
  vgg19,
  vgg19Bn,
  vggConfigs,
  vggFeatures,
} from './models/vgg.js';
export { type ModelSummary, type SummaryOptions, type SummaryRow, summary } from './summary.js';
export { compose, type Transform } from './transforms/compose.js';
export { centerCrop, crop, type RandomCropOptions, randomCrop } from './transforms/crop.js';
export { hflip, type RandomFlipOptions, randomHorizontalFlip } from './transforms/flip.js';
export { normalize } from './transforms/normalize.js';
export { type ResizeOptions, resize, resizedSize } from './transforms/resize.js';
export { toTensor } from './transforms/to-tensor.js';
