// The window and convolution geometries several kernel files share: their fields (the order is the
// parameter words' order), one check of those fields, the counts the kernels size their buffers
// by, and the WGSL accessors of a window geometry's words. pool2d and unfold take a Pool2dGeometry,
// conv2d and conv-transpose2d a Conv2dGeometry, adaptive pooling its own sizes.
import { checkObject } from './arguments.js';
import type { Conv2dGeometry } from './conv2d.js';
import { argumentError, checkCount } from './errors.js';
import type { Pool2dGeometry } from './pool2d.js';

/** Shaders index with i32: no field may exceed it. */
const I32_MAX = 0x7fffffff;

/**
 * Checks that `g` is an object (`what` names its type in the message) whose `fields` are integers
 * of at least `min(f)` and at most `max(f)` (2^31 - 1 unless `max` says less; `why` explains a
 * lower limit).
 */
export function checkFields<F extends string>(
  fn: string,
  g: unknown,
  what: string,
  fields: readonly F[],
  min: (f: F) => number,
  max: (f: F) => number = () => I32_MAX,
  why = '',
): asserts g is Readonly<Record<F, number>> {
  checkObject(fn, 'geometry', g, what);
  for (const f of fields) {
    const v = (g as Record<F, number>)[f];
    checkCount(fn, `geometry.${f}`, v, min(f));
    const limit = max(f);
    if (v > limit) argumentError(fn, `geometry.${f}`, `is above ${limit === I32_MAX ? '2^31 - 1' : limit}${why}`);
  }
}

/** The fields of a {@link Pool2dGeometry}, in parameter-word order (P[0] .. P[13]). */
export const POOL2D_FIELDS = [
  'batch',
  'channels',
  'inH',
  'inW',
  'kh',
  'kw',
  'strideH',
  'strideW',
  'padTop',
  'padLeft',
  'dilationH',
  'dilationW',
  'outH',
  'outW',
] as const;

/** The element counts of a window geometry: its input planes, its output planes and its im2col columns. */
export interface WindowCounts {
  readonly image: number;
  readonly pooled: number;
  readonly columns: number;
}

/** Validates a {@link Pool2dGeometry} (window, stride and dilation at least 1; sizes and padding at least 0). */
export function checkPool2dGeometry(fn: string, g: Pool2dGeometry): WindowCounts {
  checkFields(fn, g, 'a Pool2dGeometry object', POOL2D_FIELDS, (f) =>
    f === 'kh' || f === 'kw' || f.startsWith('stride') || f.startsWith('dilation') ? 1 : 0,
  );
  const planes = g.batch * g.channels;
  return {
    image: planes * g.inH * g.inW,
    pooled: planes * g.outH * g.outW,
    columns: planes * g.kh * g.kw * g.outH * g.outW,
  };
}

/** The parameter words of a window geometry (then any extra words a kernel reads after them). */
export function pool2dWords(g: Pool2dGeometry, extra: readonly number[] = []): number[] {
  return [...POOL2D_FIELDS.map((f) => g[f]), ...extra];
}

/** WGSL accessors of a window geometry's words and the invocation index (64 per workgroup). */
export const WINDOW_WGSL = `
fn H() -> i32 { return i32(P[2]); }
fn W() -> i32 { return i32(P[3]); }
fn KH() -> i32 { return i32(P[4]); }
fn KW() -> i32 { return i32(P[5]); }
fn SH() -> i32 { return i32(P[6]); }
fn SW() -> i32 { return i32(P[7]); }
fn PT() -> i32 { return i32(P[8]); }
fn PL() -> i32 { return i32(P[9]); }
fn DH() -> i32 { return i32(P[10]); }
fn DW() -> i32 { return i32(P[11]); }
fn OH() -> i32 { return i32(P[12]); }
fn OW() -> i32 { return i32(P[13]); }
fn item(gid: vec3<u32>, ng: vec3<u32>) -> u32 { return gid.y * ng.x * 64u + gid.x; }`;

/** The fields of a {@link Conv2dGeometry}, in parameter-word order. */
export const CONV2D_FIELDS = [
  'batch',
  'inChannels',
  'inH',
  'inW',
  'outChannels',
  'kh',
  'kw',
  'groups',
  'strideH',
  'strideW',
  'padTop',
  'padLeft',
  'dilationH',
  'dilationW',
  'outH',
  'outW',
] as const;

/**
 * Validates a {@link Conv2dGeometry} (`what` names it: conv-transpose2d checks its own under its
 * name): channels, window, groups, stride and dilation at least 1, the rest at least 0, and both
 * channel counts divisible by the groups.
 */
export function checkConv2dGeometry(fn: string, g: Conv2dGeometry, what = 'a Conv2dGeometry object'): void {
  checkFields(fn, g, what, CONV2D_FIELDS, (f) =>
    f === 'batch' || f.startsWith('pad') || f === 'inH' || f === 'inW' || f === 'outH' || f === 'outW' ? 0 : 1,
  );
  if (g.inChannels % g.groups !== 0 || g.outChannels % g.groups !== 0) {
    argumentError(
      fn,
      'geometry.groups',
      `inChannels (${g.inChannels}) and outChannels (${g.outChannels}) must both be divisible by groups (${g.groups})`,
    );
  }
}
