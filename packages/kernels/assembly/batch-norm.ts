// BatchNorm in training mode (batch statistics) for WebAssembly 128-bit SIMD, forward and backward,
// on float32 planes staged by src/batch-norm.ts: `images` groups of `cc` planes of `inner` floats
// (image-major, as NCHW holds them), plane (img, j) of channel c0 + j at
// base + ((img * cc + j) * inner) * 4. A channel's planes are read from the cache, not memory, by
// every pass after the first, so two-pass statistics cost little more than one pass.
//
// The arithmetic is PyTorch's CPU kernel's (aten batch_norm_cpu_collect_stats and
// batch_norm_cpu_backward, contiguous): the mean is a float64 sum rounded to float32; the variance
// is the float64 sum of squared deviations from that mean (two passes: no cancellation, unlike
// E[x^2] - E[x]^2); invstd = 1 / sqrt(var + eps) in float64, rounded to float32; the output is
// x * alpha + beta with alpha = invstd * weight, beta = bias - mean * alpha in float32 (computed in
// float64 and rounded once, as the evaluation-mode kernel). Backward: float64 sums of dy and of
// (x - mean) * dy, then dx = (dy - sum(dy) / M - (x - mean) * k) * invstd * weight in float32 with
// k = sum((x - mean) * dy) * invstd^2 / M.

/** Lanes 2 and 3 of `x` moved to lanes 0 and 1 (for f64x2.promote_low_f32x4). */
function high(x: v128): v128 {
  return v128.shuffle<i64>(x, x, 1, 1);
}

/** The float64 sum of `inner` float32 values at `p` (four f64x2 chains, then the tail). */
function sumPlane(p: usize, inner: i32): f64 {
  const bytes = (<usize>inner) << 2;
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let a3 = f64x2.splat(0);
  let i: usize = 0;
  for (; i + 32 <= bytes; i += 32) {
    const x = v128.load(p + i);
    const y = v128.load(p + i, 16);
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(x));
    a1 = f64x2.add(a1, f64x2.promote_low_f32x4(high(x)));
    a2 = f64x2.add(a2, f64x2.promote_low_f32x4(y));
    a3 = f64x2.add(a3, f64x2.promote_low_f32x4(high(y)));
  }
  const a = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < bytes; i += 4) s += <f64>load<f32>(p + i);
  return s;
}

/** The float64 sum of `(x - mean)^2` over `inner` float32 values at `p` (the difference in float32). */
function squaredDeviationsPlane(p: usize, inner: i32, mean: f32): f64 {
  const bytes = (<usize>inner) << 2;
  const m = f32x4.splat(mean);
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) {
    const d = f32x4.sub(v128.load(p + i), m);
    const lo = f64x2.promote_low_f32x4(d);
    const hi = f64x2.promote_low_f32x4(high(d));
    a0 = f64x2.add(a0, f64x2.mul(lo, lo));
    a1 = f64x2.add(a1, f64x2.mul(hi, hi));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < bytes; i += 4) {
    const d = <f64>(load<f32>(p + i) - mean);
    s += d * d;
  }
  return s;
}

/** The activations fused into the pass: none, ReLU (`max(y, 0)`) or ReLU6 (`clamp(y, 0, 6)`); NaN stays NaN. */
const ACT_RELU = 1;
const ACT_RELU6 = 2;

/** `y` through the activation, four lanes (ReLU maps -0 to +0, as @torchlet/tensor's relu and clamp). */
function activate4(y: v128, act: i32): v128 {
  if (act === 0) return y;
  const zero = f32x4.splat(0);
  const r = v128.andnot(y, f32x4.le(y, zero));
  if (act === ACT_RELU) return r;
  const six = f32x4.splat(6);
  return v128.bitselect(six, r, f32x4.ge(r, six));
}

/** One value through the activation. */
function activate1(y: f32, act: i32): f32 {
  if (act === 0) return y;
  // biome-ignore lint/suspicious/noSelfCompare: NaN test
  if (y !== y) return y;
  const r: f32 = y > 0 ? y : 0;
  return act === ACT_RELU6 && r >= 6 ? 6 : r;
}

/** `p[i] = act(p[i] * alpha + beta)` over `inner` floats, the map in float64, rounded once (in place). */
function affinePlane(p: usize, inner: i32, alpha: f64, beta: f64, act: i32): void {
  const bytes = (<usize>inner) << 2;
  const av = f64x2.splat(alpha);
  const bv = f64x2.splat(beta);
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) {
    const v = v128.load(p + i);
    const lo = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(v), av), bv);
    const hi = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(high(v)), av), bv);
    const y = v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
    v128.store(p + i, activate4(y, act));
  }
  for (; i < bytes; i += 4) store<f32>(p + i, activate1(<f32>(<f64>load<f32>(p + i) * alpha + beta), act));
}

/**
 * Forward in training mode over the staged planes at `x`, in place: for each channel j < cc (channel
 * c0 + j), its mean, biased variance and invstd over its `images` planes, then
 * `x = act(x * alpha + beta)` (`act`: 0 none, 1 ReLU, 2 ReLU6). `weight` and `bias` are float32 arrays over every channel (the caller
 * stages 1 and 0 when there are none). Writes `stats[j] = mean`, `stats[cc + j] = variance`,
 * `stats[2 cc + j] = invstd` (float64; mean and invstd hold float32 values).
 */
export function batchNormTrainForwardF32(
  x: usize,
  images: i32,
  cc: i32,
  inner: i32,
  weight: usize,
  bias: usize,
  c0: i32,
  eps: f64,
  stats: usize,
  act: i32,
): void {
  const planeBytes = (<usize>inner) << 2;
  const imageBytes = <usize>cc * planeBytes;
  const count = <f64>images * <f64>inner;
  for (let j = 0; j < cc; j++) {
    const first = x + <usize>j * planeBytes;
    let sum: f64 = 0;
    for (let n = 0; n < images; n++) sum += sumPlane(first + <usize>n * imageBytes, inner);
    const mean = <f32>(sum / count);
    let squares: f64 = 0;
    for (let n = 0; n < images; n++) squares += squaredDeviationsPlane(first + <usize>n * imageBytes, inner, mean);
    const variance = squares / count;
    const invstd = <f32>(1 / Math.sqrt(variance + eps));
    const c = (<usize>(c0 + j)) << 2;
    const alpha = <f32>(<f64>invstd * <f64>load<f32>(weight + c));
    const beta = <f32>(<f64>load<f32>(bias + c) - <f64>mean * <f64>alpha);
    for (let n = 0; n < images; n++) affinePlane(first + <usize>n * imageBytes, inner, alpha, beta, act);
    store<f64>(stats + ((<usize>j) << 3), <f64>mean);
    store<f64>(stats + ((<usize>(cc + j)) << 3), variance);
    store<f64>(stats + ((<usize>(2 * cc + j)) << 3), <f64>invstd);
  }
}

/** A channel's running sum(dy) and sum((x - mean) * dy), which sumsPlane and maskedSumsPlane add a plane to. */
let accSumDy: f64 = 0;
let accDot: f64 = 0;

/** Adds a plane, `bytes` of x at `xp` and dy at `gp`, to accSumDy and accDot (float64 sums, float32 differences). */
function sumsPlane(xp: usize, gp: usize, bytes: usize, m: f32): void {
  const mv = f32x4.splat(m);
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let d0 = f64x2.splat(0);
  let d1 = f64x2.splat(0);
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) {
    const g = v128.load(gp + i);
    const d = f32x4.sub(v128.load(xp + i), mv);
    const glo = f64x2.promote_low_f32x4(g);
    const ghi = f64x2.promote_low_f32x4(high(g));
    s0 = f64x2.add(s0, glo);
    s1 = f64x2.add(s1, ghi);
    d0 = f64x2.add(d0, f64x2.mul(f64x2.promote_low_f32x4(d), glo));
    d1 = f64x2.add(d1, f64x2.mul(f64x2.promote_low_f32x4(high(d)), ghi));
  }
  const s = f64x2.add(s0, s1);
  const dd = f64x2.add(d0, d1);
  let sumDy = accSumDy + (f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1));
  let dot = accDot + (f64x2.extract_lane(dd, 0) + f64x2.extract_lane(dd, 1));
  for (; i < bytes; i += 4) {
    const g = <f64>load<f32>(gp + i);
    sumDy += g;
    dot += <f64>(load<f32>(xp + i) - m) * g;
  }
  accSumDy = sumDy;
  accDot = dot;
}

/**
 * {@link sumsPlane} of dy zeroed where the activation's gradient is 0, written back in place: where
 * the output before the activation, `z = x * alpha + beta` (recomputed with the forward's rounding),
 * is <= 0 (ReLU) or outside (0, 6) (ReLU6; PyTorch's threshold_backward and hardtanh_backward rules,
 * NaN passes for ReLU6 only). The same sums, in the same order, as masking first and summing after.
 */
function maskedSumsPlane(xp: usize, gp: usize, bytes: usize, m: f32, alpha: f32, beta: f32, act: i32): void {
  const mv = f32x4.splat(m);
  const av = f64x2.splat(<f64>alpha);
  const bv = f64x2.splat(<f64>beta);
  const zero = f32x4.splat(0);
  const six = f32x4.splat(6);
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let d0 = f64x2.splat(0);
  let d1 = f64x2.splat(0);
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) {
    const v = v128.load(xp + i);
    const lo = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(v), av), bv);
    const hi = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(high(v)), av), bv);
    const z = v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
    const keep = act === ACT_RELU ? f32x4.gt(z, zero) : v128.not(v128.or(f32x4.le(z, zero), f32x4.ge(z, six)));
    const g = v128.and(v128.load(gp + i), keep);
    v128.store(gp + i, g);
    const d = f32x4.sub(v, mv);
    const glo = f64x2.promote_low_f32x4(g);
    const ghi = f64x2.promote_low_f32x4(high(g));
    s0 = f64x2.add(s0, glo);
    s1 = f64x2.add(s1, ghi);
    d0 = f64x2.add(d0, f64x2.mul(f64x2.promote_low_f32x4(d), glo));
    d1 = f64x2.add(d1, f64x2.mul(f64x2.promote_low_f32x4(high(d)), ghi));
  }
  const s = f64x2.add(s0, s1);
  const dd = f64x2.add(d0, d1);
  let sumDy = accSumDy + (f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1));
  let dot = accDot + (f64x2.extract_lane(dd, 0) + f64x2.extract_lane(dd, 1));
  for (; i < bytes; i += 4) {
    const xv = load<f32>(xp + i);
    const z = <f32>(<f64>xv * <f64>alpha + <f64>beta);
    const keep = act === ACT_RELU ? z > 0 : !(z <= 0 || z >= 6);
    if (!keep) store<f32>(gp + i, 0);
    const g = <f64>load<f32>(gp + i);
    sumDy += g;
    dot += <f64>(xv - m) * g;
  }
  accSumDy = sumDy;
  accDot = dot;
}

/**
 * Backward in training mode over staged planes: `x` (the forward's input) and `dy` (the output's
 * gradient), laid out alike; dx is written over `dy`. `mean`, `invstd` and `weight` are float32
 * arrays over every channel (weight 1 and bias 0 staged when there are none). With an activation
 * (`act` as the forward's), dy is first zeroed where the activation's gradient is 0. Writes
 * `sums[j] = sum(dy)` and `sums[cc + j] = sum((x - mean) * dy)` (float64) for channel c0 + j.
 */
export function batchNormTrainBackwardF32(
  x: usize,
  dy: usize,
  images: i32,
  cc: i32,
  inner: i32,
  mean: usize,
  invstd: usize,
  weight: usize,
  bias: usize,
  c0: i32,
  sums: usize,
  act: i32,
): void {
  const planeBytes = (<usize>inner) << 2;
  const imageBytes = <usize>cc * planeBytes;
  const bytes = planeBytes;
  const count = <f64>images * <f64>inner;
  for (let j = 0; j < cc; j++) {
    const c = (<usize>(c0 + j)) << 2;
    const m = load<f32>(mean + c);
    const inv = load<f32>(invstd + c);
    const w = load<f32>(weight + c);
    const mv = f32x4.splat(m);
    // The forward's alpha and beta, rounded as it rounded them, give its output before the activation.
    const alpha = <f32>(<f64>inv * <f64>w);
    const beta = act === 0 ? <f32>0 : <f32>(<f64>load<f32>(bias + c) - <f64>m * <f64>alpha);
    accSumDy = 0;
    accDot = 0;
    for (let n = 0; n < images; n++) {
      const off = <usize>j * planeBytes + <usize>n * imageBytes;
      // One pass masks dy (when there is an activation) and sums: x and dy are read once.
      if (act === 0) sumsPlane(x + off, dy + off, bytes, m);
      else maskedSumsPlane(x + off, dy + off, bytes, m, alpha, beta, act);
    }
    const sumDy = accSumDy;
    const dot = accDot;
    const k = <f32>((dot * <f64>inv * <f64>inv) / count);
    const gradMean = <f32>(sumDy / count);
    const scale = inv * w;
    const kv = f32x4.splat(k);
    const gmv = f32x4.splat(gradMean);
    const sv = f32x4.splat(scale);
    for (let n = 0; n < images; n++) {
      const off = <usize>j * planeBytes + <usize>n * imageBytes;
      const xp = x + off;
      const gp = dy + off;
      let i: usize = 0;
      for (; i + 16 <= bytes; i += 16) {
        const d = f32x4.mul(f32x4.sub(v128.load(xp + i), mv), kv);
        const t = f32x4.sub(f32x4.sub(v128.load(gp + i), gmv), d);
        v128.store(gp + i, f32x4.mul(t, sv));
      }
      for (; i < bytes; i += 4) {
        const d = (load<f32>(xp + i) - m) * k;
        store<f32>(gp + i, (load<f32>(gp + i) - gradMean - d) * scale);
      }
    }
    store<f64>(sums + ((<usize>j) << 3), sumDy);
    store<f64>(sums + ((<usize>(cc + j)) << 3), dot);
  }
}
