// Float32 activation gradients for WebAssembly 128-bit SIMD.
//
// `thresholdBackwardF32` is PyTorch's threshold_backward, the gradient ReLU uses (on its output,
// threshold 0): `out = x <= threshold ? 0 : g`. `x <= threshold` is false for a NaN `x`, so a NaN
// passes the gradient through, as PyTorch's kernel does. Built from tensor ops instead (a bool
// comparison, then `where`), ReLU's gradient made two passes and an intermediate buffer: as
// much time in LeNet's training step as its forward convolutions.
//
// Pointers are byte addresses of dense float32 data laid out by src/activation-backward.ts; `out`
// may equal `x` or `g` (each lane is read before it is written).

/** `out[i] = x[i] <= threshold ? 0 : g[i]` for i < n (NaN x passes g). */
export function thresholdBackwardF32(x: usize, g: usize, out: usize, n: i32, threshold: f32): void {
  const bytes = (<usize>n) << 2;
  const vecEnd = bytes & ~(<usize>15);
  const t = f32x4.splat(threshold);
  let i: usize = 0;
  for (; i + 32 <= vecEnd; i += 32) {
    const x0 = v128.load(x + i);
    const x1 = v128.load(x + i, 16);
    const g0 = v128.load(g + i);
    const g1 = v128.load(g + i, 16);
    v128.store(out + i, v128.andnot(g0, f32x4.le(x0, t)));
    v128.store(out + i, v128.andnot(g1, f32x4.le(x1, t)), 16);
  }
  for (; i < vecEnd; i += 16) {
    v128.store(out + i, v128.andnot(v128.load(g + i), f32x4.le(v128.load(x + i), t)));
  }
  for (; i < bytes; i += 4) {
    store<f32>(out + i, load<f32>(x + i) <= threshold ? <f32>0 : load<f32>(g + i));
  }
}
