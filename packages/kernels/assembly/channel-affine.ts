// Float32 per-channel affine map `out = x * scale[c] + shift[c]` (optionally followed by ReLU) on
// NCHW-style planes in linear memory, for WebAssembly 128-bit SIMD: BatchNorm in evaluation mode
// once its statistics are folded into a scale and a shift.
//
// Each product and sum is computed in float64 (f64x2) and rounded to float32 once, which is what
// @torchlet/ops' JavaScript loop computes (`x * a + b` in doubles, rounded when stored into a
// Float32Array): the two give the same bits. The float32 product is exact in a double, so the
// result is the correctly rounded fused multiply-add except when rounding the double sum to
// float32 rounds twice (about one element in 2^29), i.e. PyTorch's vectorised FMA rule to within
// one unit in the last place. ReLU keeps NaN and maps -0 to +0 (`y & ~(y <= 0)`), as @torchlet/tensor's `relu`.

/**
 * `out[p, i] = x[p, i] * scale[ch] + shift[ch]` (then ReLU when `relu` is not 0) for planes
 * `p < planes` of `inner` floats, where plane p has channel `ch = (c0 + p) % channels`; `scale`
 * and `shift` are float32 arrays of `channels` values. `out` may equal `x`.
 */
export function channelAffineF32(
  x: usize,
  out: usize,
  planes: i32,
  inner: i32,
  scale: usize,
  shift: usize,
  c0: i32,
  channels: i32,
  relu: i32,
): void {
  const bytes = (<usize>inner) << 2;
  const vecEnd = bytes & ~(<usize>15);
  const zero = f32x4.splat(0);
  let ch = c0 % channels;
  let src = x;
  let dst = out;
  for (let p = 0; p < planes; p++) {
    const s = <f64>load<f32>(scale + ((<usize>ch) << 2));
    const b = <f64>load<f32>(shift + ((<usize>ch) << 2));
    const sv = f64x2.splat(s);
    const bv = f64x2.splat(b);
    let i: usize = 0;
    if (relu !== 0) {
      for (; i < vecEnd; i += 16) {
        const v = v128.load(src + i);
        const lo = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(v), sv), bv);
        const hi = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)), sv), bv);
        const y = v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
        v128.store(dst + i, v128.andnot(y, f32x4.le(y, zero)));
      }
      for (; i < bytes; i += 4) {
        const y = <f32>(<f64>load<f32>(src + i) * s + b);
        // biome-ignore lint/suspicious/noSelfCompare: NaN test
        store<f32>(dst + i, y > 0 || y !== y ? y : 0);
      }
    } else {
      for (; i < vecEnd; i += 16) {
        const v = v128.load(src + i);
        const lo = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(v), sv), bv);
        const hi = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)), sv), bv);
        v128.store(dst + i, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
      }
      for (; i < bytes; i += 4) store<f32>(dst + i, <f32>(<f64>load<f32>(src + i) * s + b));
    }
    src += bytes;
    dst += bytes;
    ch++;
    if (ch === channels) ch = 0;
  }
}
