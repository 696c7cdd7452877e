// The one table of benchmark shapes. Every family file takes its shapes from here, so torchlet
// and its peers always see the same problem, and a README number can be traced to one row.
// Convolution shapes are PyTorch's NCHW / OIHW; the tfjs contenders convert them to NHWC / HWIO
// outside the timed region.

/** A 2-D convolution problem (stride 1, dilation 1, groups 1, symmetric zero padding). */
export interface ConvShape {
  /** Short label used in the printed table and the JSON. */
  readonly label: string;
  /** Input `[N, C, H, W]`. */
  readonly input: readonly [number, number, number, number];
  /** Weight `[Cout, Cin, kh, kw]`. */
  readonly weight: readonly [number, number, number, number];
  /** Zero padding on each side, `[ph, pw]`. */
  readonly padding: readonly [number, number];
}

/** The three convolutions of the d2l section, LeNet and a ResNet block. */
export const CONV_SHAPES: readonly ConvShape[] = [
  // d2l "Convolutions for Images": the 6x8 image and the 1x2 edge-detector kernel K = [[1, -1]].
  { label: 'd2l toy', input: [1, 1, 6, 8], weight: [1, 1, 1, 2], padding: [0, 0] },
  // LeNet's first layer on an MNIST batch: 6 filters 5x5, padding 2 keeps 28x28.
  { label: 'LeNet conv1', input: [64, 1, 28, 28], weight: [6, 1, 5, 5], padding: [2, 2] },
  // A ResNet basic-block conv at stage 1 (56x56x64) with batch 8.
  { label: 'ResNet block', input: [8, 64, 56, 56], weight: [64, 64, 3, 3], padding: [1, 1] },
];

/** d2l's `corr2d(X, K)` on the toy: a 6x8 image and a 1x2 kernel, no batch or channels. */
export const CORR2D_SHAPE = { label: 'd2l toy', image: [6, 8], kernel: [1, 2] } as const;

/** Square matmuls `[n, n] @ [n, n]`. */
export const MATMUL_SIZES: readonly number[] = [256, 1024];

/** Elementwise add with broadcasting over 1M elements: `[1000, 1000] + [1000]`. */
export const ADD_BROADCAST = { a: [1000, 1000], b: [1000] } as const;

/** Sum of a `[1000, 1000]` tensor over one dim (both dims are measured). */
export const SUM_DIM = { shape: [1000, 1000], dims: [0, 1] } as const;

/** `contiguous()` of the transpose of a `[1000, 1000]` tensor: a strided gather of 1M elements. */
export const CONTIGUOUS_TRANSPOSED = { shape: [1000, 1000] } as const;

/** 2x2 max-pool, stride 2, on the ResNet block's activation `[8, 64, 56, 56]`. */
export const MAX_POOL = { label: 'ResNet act', input: [8, 64, 56, 56], kernel: 2, stride: 2 } as const;

/**
 * One LeNet training epoch (apps/mnist's epoch 1): the book's LeNet on the first 8,000 of the
 * `mnist` package's 10,000 digits after a seeded shuffle (the other 2,000 test the result),
 * Adam with lr 1e-3, batches of 64, cross-entropy. An epoch lasts seconds (tfjs-cpu: minutes), so
 * it is measured `runs` times, not the usual 10.
 */
export const LENET_EPOCH = {
  label: 'LeNet, MNIST',
  trainSize: 8000,
  batchSize: 64,
  lr: 1e-3,
  seed: 0,
  runs: 3,
} as const;

/**
 * One layer of a real network, NCHW / OIHW, for the `nets` family (issue 12): convolutions with
 * any stride, padding, dilation and groups, 3x3 max-pools, global average pools and BatchNorm +
 * ReLU in evaluation mode. `input[0]` is the batch; each layer runs at batch 1 and batch 8.
 */
export type NetLayer =
  | {
      readonly kind: 'conv';
      readonly family: string;
      readonly input: readonly [number, number, number, number];
      readonly weight: readonly [number, number, number, number];
      readonly stride: number;
      readonly padding: number;
      readonly dilation: number;
      readonly groups: number;
    }
  | {
      readonly kind: 'maxpool';
      readonly family: string;
      readonly input: readonly [number, number, number, number];
      readonly kernel: number;
      readonly stride: number;
      readonly padding: number;
    }
  | {
      readonly kind: 'gap' | 'bnrelu';
      readonly family: string;
      readonly input: readonly [number, number, number, number];
    };

const conv = (
  family: string,
  c: number,
  hw: number,
  cout: number,
  k: number,
  { stride = 1, padding = 0, dilation = 1, groups = 1 } = {},
): NetLayer => ({
  kind: 'conv',
  family,
  input: [1, c, hw, hw],
  weight: [cout, c / groups, k, k],
  stride,
  padding,
  dilation,
  groups,
});
const dw = (c: number, hw: number, stride: number): NetLayer =>
  conv('depthwise 3x3', c, hw, c, 3, { stride, padding: 1, groups: c });

/**
 * The layers, batch 1 (the `nets` family also runs each at batch 8): MobileNetV2's ten depthwise
 * shapes (32 to 960 channels, 112x112 to 7x7, stride 1 and 2) and the issue's [128,56,56];
 * pointwise 1x1 (ResNet's bottleneck reduction, MobileNetV2's expansion and projection); ResNet's
 * 1x1 stride-2 downsample, 3x3 stride 2, 7x7 stride-2 stem and its 3x3 convs of every stage; ResNeXt-50's grouped
 * 3x3 (32 groups); dilated 3x3 (2 and 4); ResNet's 3x3 stride-2 max-pool; global average pools of
 * ResNet-18 and MobileNetV2; BatchNorm + ReLU.
 */
export const NET_LAYERS: readonly NetLayer[] = [
  dw(32, 112, 1),
  dw(96, 112, 2),
  dw(144, 56, 1),
  dw(144, 56, 2),
  dw(192, 28, 1),
  dw(192, 28, 2),
  dw(384, 14, 1),
  dw(576, 14, 1),
  dw(576, 14, 2),
  dw(960, 7, 1),
  dw(128, 56, 1),
  conv('pointwise 1x1', 256, 28, 64, 1),
  conv('pointwise 1x1', 24, 56, 144, 1),
  conv('pointwise 1x1', 144, 56, 24, 1),
  conv('1x1 stride 2', 64, 56, 128, 1, { stride: 2 }),
  conv('3x3 stride 2', 64, 56, 128, 3, { stride: 2, padding: 1 }),
  conv('7x7 stem', 3, 224, 64, 7, { stride: 2, padding: 3 }),
  conv('3x3', 64, 56, 64, 3, { padding: 1 }),
  // ResNet-18's deeper stages: weight-bound at batch 1 (9.4 MB of weights for 49 outputs at 7x7).
  conv('3x3', 128, 28, 128, 3, { padding: 1 }),
  conv('3x3', 256, 14, 256, 3, { padding: 1 }),
  conv('3x3', 512, 7, 512, 3, { padding: 1 }),
  conv('3x3 stride 2', 256, 14, 512, 3, { stride: 2, padding: 1 }),
  conv('grouped 3x3', 128, 56, 128, 3, { padding: 1, groups: 32 }),
  conv('dilated 3x3', 64, 56, 64, 3, { padding: 2, dilation: 2 }),
  conv('dilated 3x3', 64, 56, 64, 3, { padding: 4, dilation: 4 }),
  { kind: 'maxpool', family: 'max-pool 3x3 s2', input: [1, 64, 112, 112], kernel: 3, stride: 2, padding: 1 },
  { kind: 'gap', family: 'global avg pool', input: [1, 512, 7, 7] },
  { kind: 'gap', family: 'global avg pool', input: [1, 1280, 7, 7] },
  { kind: 'bnrelu', family: 'BN + ReLU (eval)', input: [1, 64, 56, 56] },
];

/** The batch sizes every {@link NET_LAYERS} layer runs at. */
export const NET_BATCHES: readonly number[] = [1, 8];

/**
 * The `wholenets` family (issue 12's whole networks): `@torchlet/vision`'s ResNet-18 and
 * MobileNetV2 with seeded weights (and BatchNorm running statistics moved off (0, 1), so evaluation
 * mode uses them), torchvision's 1000 classes, on `[N, 3, 224, 224]`: the eval forward at each
 * batch of `batches` and one SGD training step at `trainBatch`.
 */
export const WHOLE_NETS = {
  nets: ['resnet18', 'mobilenetV2'],
  numClasses: 1000,
  size: 224,
  batches: [1, 8],
  trainBatch: 8,
  sgd: { lr: 0.01, momentum: 0.9 },
  weightSeed: 0,
  inputSeed: 31,
  /** Samples of a training step (one step takes seconds at batch 8). */
  trainRuns: 5,
} as const;

/**
 * The LeNet epoch with PyTorch as the contender (issue 12's native anchor): apps/mnist's settings,
 * batch 32 and Adam lr 2e-3, on the same 8,000 digits as {@link LENET_EPOCH}.
 */
export const LENET_PYTORCH_EPOCH = { ...LENET_EPOCH, batchSize: 32, lr: 2e-3 } as const;
