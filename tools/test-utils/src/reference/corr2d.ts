/**
 * Naive float64 valid cross-correlation (d2l's `corr2d`) summed over channels: row-major `x` of
 * shape `[c, h, w]` against `k` of shape `[c, kh, kw]`, giving `[h - kh + 1, w - kw + 1]`.
 */
export function refCorr2d(
  x: ArrayLike<number>,
  k: ArrayLike<number>,
  c: number,
  h: number,
  w: number,
  kh: number,
  kw: number,
): Float64Array {
  const ho = h - kh + 1;
  const wo = w - kw + 1;
  const y = new Float64Array(ho * wo);
  for (let i = 0; i < ho; i++)
    for (let j = 0; j < wo; j++) {
      let s = 0;
      for (let ch = 0; ch < c; ch++)
        for (let a = 0; a < kh; a++)
          for (let b = 0; b < kw; b++) s += x[(ch * h + i + a) * w + j + b] * k[(ch * kh + a) * kw + b];
      y[i * wo + j] = s;
    }
  return y;
}
