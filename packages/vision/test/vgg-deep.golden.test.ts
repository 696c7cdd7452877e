import { vgg16, vgg19Bn } from '../src/index.js';
import { describeGoldenModel, goldenOptions } from './golden-models.js';

// The deeper VGGs run the same code as vgg11 and vgg11Bn (whose logits are tested) with longer
// configurations. Building one initialises over 10^8 weights (tens of seconds on a loaded
// machine), so two stand for configurations D and E, with and without BatchNorm; every
// configuration's layer list is checked against torchvision's keys in src/models/vgg.test.ts.
describeGoldenModel('vgg16', () => vgg16(goldenOptions()), { logits: false });
describeGoldenModel('vgg19Bn', () => vgg19Bn(goldenOptions()), { logits: false });
