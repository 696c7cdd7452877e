import { alexnet, vgg11, vgg11Bn } from '../src/index.js';
import { describeGoldenModel, goldenOptions } from './golden-models.js';

describeGoldenModel('alexnet', () => alexnet(goldenOptions()));
describeGoldenModel('vgg11', () => vgg11(goldenOptions()));
describeGoldenModel('vgg11Bn', () => vgg11Bn(goldenOptions()));
