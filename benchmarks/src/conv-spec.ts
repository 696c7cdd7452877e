// The conv workloads as data, shared by the Node suite (bench-conv.ts) and the browser page
// (browser/spec.ts): op names, the NCHW geometry of a row of shapes.ts, its FLOPs, its table label
// and tfjs's padding argument. Pure: no tfjs, no torchlet, no Node.

import { fmtShape } from './data.js';
import { convFlops, convOutSize } from './harness.js';
import type { ConvShape } from './shapes.js';

/** A 4-D shape. */
export type Shape4 = [number, number, number, number];

/** The conv ops measured (the last only on some shapes: forward, input gradient and weight gradient in one call). */
export type ConvOp = 'conv2d forward' | 'conv2d backward input' | 'conv2d backward weight' | 'conv2d forward+backward';

/** Every {@link ConvOp}, in the tables' order. */
export const CONV_OPS: readonly ConvOp[] = [
  'conv2d forward',
  'conv2d backward input',
  'conv2d backward weight',
  'conv2d forward+backward',
];

/** tfjs's padding argument for a stride-1 conv: `'valid'`, `'same'` (when it keeps the size) or one int. */
export type TfPad = 'valid' | 'same' | number;

/** Everything a conv workload needs besides the data: NCHW shapes, FLOPs, the table label, tfjs padding. */
export interface ConvGeometry {
  readonly inShape: Shape4;
  readonly wShape: Shape4;
  readonly outShape: Shape4;
  readonly padding: readonly [number, number];
  /** FLOPs of one forward (each gradient does as many). */
  readonly flops: number;
  /** `ResNet block [8,64,56,56] * [64,64,3,3] pad 1`, as the tables write it. */
  readonly label: string;
  readonly tfPad: TfPad;
}

/** tfjs's padding for a stride-1 conv; throws for asymmetric padding, which tfjs cannot express as one int. */
function tfPad(s: ConvShape): TfPad {
  const [ph, pw] = s.padding;
  const [, , kh, kw] = s.weight;
  if (ph === 0 && pw === 0) return 'valid';
  if (2 * ph === kh - 1 && 2 * pw === kw - 1) return 'same';
  if (ph === pw) return ph;
  throw new Error(`tfjs conv: asymmetric padding ${fmtShape(s.padding)} is not expressible in this benchmark`);
}

/** The geometry of one conv shape (stride 1, dilation 1, groups 1). */
export function convGeometry(s: ConvShape): ConvGeometry {
  const [n, cin, h, w] = s.input;
  const [cout, , kh, kw] = s.weight;
  const [ph, pw] = s.padding;
  const outShape: Shape4 = [n, cout, convOutSize(h, kh, ph), convOutSize(w, kw, pw)];
  const flops = convFlops({
    batch: n,
    inChannels: cin,
    outChannels: cout,
    outH: outShape[2],
    outW: outShape[3],
    kh,
    kw,
  });
  const pad = ph || pw ? ` pad ${ph === pw ? ph : fmtShape(s.padding)}` : '';
  return {
    inShape: [...s.input],
    wShape: [...s.weight],
    outShape,
    padding: [ph, pw],
    flops,
    label: `${s.label} ${fmtShape(s.input)} * ${fmtShape(s.weight)}${pad}`,
    tfPad: tfPad(s),
  };
}

/** FLOPs of forward + input gradient + weight gradient: three times the forward's. */
export function forwardBackwardFlops(forwardFlops: number): number {
  return 3 * forwardFlops;
}

/** FLOPs of one call of `op` on `g`. */
export function convOpFlops(g: ConvGeometry, op: ConvOp): number {
  return op === 'conv2d forward+backward' ? forwardBackwardFlops(g.flops) : g.flops;
}
