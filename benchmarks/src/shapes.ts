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
