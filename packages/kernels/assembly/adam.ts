// Adam's update in float32 for WebAssembly 128-bit SIMD: PyTorch's single-tensor Adam
// (torch.optim.Adam, foreach=False, no weight decay, no AMSGrad) operation by operation, each
// rounded to float32 as PyTorch's float32 tensor ops round them:
//
//   m = m * beta1;   m = m + (1 - beta1) * g          exp_avg.mul_(beta1).add_(grad, alpha=1-beta1)
//   v = v * beta2;   v = v + ((1 - beta2) * g) * g    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1-beta2)
//   d = sqrt(v) / bias2Sqrt + eps                     (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
//   p = p - stepSize * (m / d)                        param.addcdiv_(exp_avg, denom, value=-step_size)
//
// One pass over the four arrays instead of PyTorch's six tensor ops (or the float64 JavaScript
// loop it replaces, whose scalar square roots and divisions cost ~4.5 ns an element: 9% of a
// LeNet epoch on one thread). Every operation is an IEEE float32 operation (no fused multiply-
// add), so a JavaScript loop that rounds each step with Math.fround gives the same bits.
//
// Pointers are byte addresses of dense float32 arrays laid out by src/adam.ts; p, m and v are
// updated in place.

/** The update above for elements [0, n) of p, g, m, v. */
export function adamStepF32(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  n: i32,
  beta1: f32,
  oneMinusBeta1: f32,
  beta2: f32,
  oneMinusBeta2: f32,
  bias2Sqrt: f32,
  eps: f32,
  stepSize: f32,
): void {
  const bytes = (<usize>n) << 2;
  const vecEnd = bytes & ~(<usize>15);
  const b1 = f32x4.splat(beta1);
  const c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2);
  const c2 = f32x4.splat(oneMinusBeta2);
  const bs = f32x4.splat(bias2Sqrt);
  const e = f32x4.splat(eps);
  const s = f32x4.splat(stepSize);
  let i: usize = 0;
  for (; i < vecEnd; i += 16) {
    const gv = v128.load(g + i);
    const mv = f32x4.add(f32x4.mul(v128.load(m + i), b1), f32x4.mul(c1, gv));
    const vv = f32x4.add(f32x4.mul(v128.load(v + i), b2), f32x4.mul(f32x4.mul(c2, gv), gv));
    const d = f32x4.add(f32x4.div(f32x4.sqrt(vv), bs), e);
    v128.store(m + i, mv);
    v128.store(v + i, vv);
    v128.store(p + i, f32x4.sub(v128.load(p + i), f32x4.mul(s, f32x4.div(mv, d))));
  }
  for (; i < bytes; i += 4) {
    const gs = load<f32>(g + i);
    const ms = load<f32>(m + i) * beta1 + oneMinusBeta1 * gs;
    const vs = load<f32>(v + i) * beta2 + oneMinusBeta2 * gs * gs;
    const d = sqrt<f32>(vs) / bias2Sqrt + eps;
    store<f32>(m + i, ms);
    store<f32>(v + i, vs);
    store<f32>(p + i, load<f32>(p + i) - stepSize * (ms / d));
  }
}
