import { densenet121, googlenet, mobilenetV2, resnet18, resnet34, resnet50 } from '../src/index.js';
import { describeGoldenModel, goldenOptions } from './golden-models.js';

describeGoldenModel('googlenet', () => googlenet({ ...goldenOptions(), auxLogits: true }));
describeGoldenModel('googlenetTransformInput', () =>
  googlenet({ ...goldenOptions(), auxLogits: false, transformInput: true }),
);
describeGoldenModel('googlenetNoAux', () => googlenet({ ...goldenOptions(), auxLogits: false }));
describeGoldenModel('resnet18', () => resnet18(goldenOptions()));
describeGoldenModel('resnet34', () => resnet34(goldenOptions()));
describeGoldenModel('resnet50', () => resnet50(goldenOptions()));
describeGoldenModel('densenet121', () => densenet121(goldenOptions()));
describeGoldenModel('mobilenetV2', () => mobilenetV2(goldenOptions()));
