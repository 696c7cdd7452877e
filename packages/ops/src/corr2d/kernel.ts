import type { FloatArray } from '@torchlet/tensor';

// Raw strided kernels shared by the corr2d family. They trust their inputs (the public
// functions validate) and read through strides, so non-contiguous views need no copy.

/**
 * Valid cross-correlation summed over `channels`, written (not added) into a dense `ho x wo` output:
 * `out[i*wo + j] = sum_{c,a,b} x[c, i+a, j+b] * k[c, a, b]`. Sums run in float64 and are rounded
 * once on store, whatever the storage type.
 */
export function corrValidInto(
  x: FloatArray,
  xOff: number,
  xsC: number,
  xsH: number,
  xsW: number,
  k: FloatArray,
  kOff: number,
  ksC: number,
  ksH: number,
  ksW: number,
  channels: number,
  kh: number,
  kw: number,
  out: FloatArray,
  outOff: number,
  ho: number,
  wo: number,
): void {
  let o = outOff;
  for (let i = 0; i < ho; i++) {
    const xRow = xOff + i * xsH;
    for (let j = 0; j < wo; j++) {
      const xStart = xRow + j * xsW;
      let acc = 0;
      for (let c = 0; c < channels; c++) {
        let xa = xStart + c * xsC;
        let ka = kOff + c * ksC;
        for (let a = 0; a < kh; a++, xa += xsH, ka += ksH) {
          for (let b = 0, xb = xa, kb = ka; b < kw; b++, xb += xsW, kb += ksW) acc += x[xb] * k[kb];
        }
      }
      out[o++] = acc;
    }
  }
}

/**
 * Full cross-correlation with the kernel flipped (i.e. a true convolution), the gradient of a
 * valid correlation with respect to its input: `out[p, q] = sum_{a,b} g[p-a, q-b] * k[a, b]`
 * over the `(p-a, q-b)` that fall inside `g` (`ho x wo`). Output is dense `(ho+kh-1) x (wo+kw-1)`.
 */
export function corrFullFlippedInto(
  g: FloatArray,
  gOff: number,
  gsH: number,
  gsW: number,
  ho: number,
  wo: number,
  k: FloatArray,
  kOff: number,
  ksH: number,
  ksW: number,
  kh: number,
  kw: number,
  out: FloatArray,
): void {
  const h = ho + kh - 1;
  const w = wo + kw - 1;
  let o = 0;
  for (let p = 0; p < h; p++) {
    const aLo = Math.max(p - ho + 1, 0);
    const aHi = Math.min(p, kh - 1);
    for (let q = 0; q < w; q++) {
      const bLo = Math.max(q - wo + 1, 0);
      const bHi = Math.min(q, kw - 1);
      let acc = 0;
      for (let a = aLo; a <= aHi; a++) {
        const gRow = gOff + (p - a) * gsH;
        const kRow = kOff + a * ksH;
        for (let b = bLo; b <= bHi; b++) acc += g[gRow + (q - b) * gsW] * k[kRow + b * ksW];
      }
      out[o++] = acc;
    }
  }
}
