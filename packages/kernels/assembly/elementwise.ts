// Float32 elementwise kernels for WebAssembly 128-bit SIMD: `out = a op b` over dense rows and
// `out = relu(x)`, bit-identical to @torchlet/tensor's JavaScript loops.
//
// Why they agree bit for bit: the JavaScript loops read float32 values as doubles, compute in
// double and round once when storing into the Float32Array. For +, -, * and / of two float32
// values that is the correctly rounded float32 result (double has 53 >= 2 * 24 + 2 bits, so the
// double rounding is innocuous), which is what f32 / f32x4 arithmetic computes; WebAssembly never
// flushes denormals. `maximum` is `Math.max`: NaN when either operand is NaN, and +0 for (-0, +0)
// in either order, exactly the WebAssembly `f32.max` / `f32x4.max` rule. `relu` is
// `Math.max(x, 0)`: x when x > 0 or NaN, else +0 (so -0 gives +0), computed as
// `x & ~(x <= 0)` (two instructions; `x <= 0` is false for NaN, so NaN passes through).
//
// Pointers are byte addresses of dense float32 data laid out by src/elementwise.ts; `out` may equal
// `a` (each lane is read before it is written).

// The op is a type parameter, so that AssemblyScript compiles one copy of each loop per op (its
// generics are monomorphised) with the op test folded away at compile time: u8 add, u16 sub,
// u32 mul, u64 div, i8 maximum (only the tag's size and signedness are looked at).
type Add = u8;
type Sub = u16;
type Mul = u32;
type Div = u64;
type Max = i8;

const ADD: i32 = 0;
const SUB: i32 = 1;
const MUL: i32 = 2;
const DIV: i32 = 3;

function vop<Op>(x: v128, y: v128): v128 {
  if (isSigned<Op>()) return f32x4.max(x, y);
  if (sizeof<Op>() === 1) return f32x4.add(x, y);
  if (sizeof<Op>() === 2) return f32x4.sub(x, y);
  if (sizeof<Op>() === 4) return f32x4.mul(x, y);
  return f32x4.div(x, y);
}

function sop<Op>(x: f32, y: f32): f32 {
  if (isSigned<Op>()) return max<f32>(x, y);
  if (sizeof<Op>() === 1) return x + y;
  if (sizeof<Op>() === 2) return x - y;
  if (sizeof<Op>() === 4) return x * y;
  return x / y;
}

/** `out[i] = a[i] op b[i]` for i < n. */
function denseLoop<Op>(a: usize, b: usize, out: usize, n: i32): void {
  const bytes = (<usize>n) << 2;
  const vecEnd = bytes & ~(<usize>15);
  let i: usize = 0;
  for (; i + 32 <= vecEnd; i += 32) {
    const x0 = v128.load(a + i);
    const x1 = v128.load(a + i, 16);
    const y0 = v128.load(b + i);
    const y1 = v128.load(b + i, 16);
    v128.store(out + i, vop<Op>(x0, y0));
    v128.store(out + i, vop<Op>(x1, y1), 16);
  }
  for (; i < vecEnd; i += 16) v128.store(out + i, vop<Op>(v128.load(a + i), v128.load(b + i)));
  for (; i < bytes; i += 4) store<f32>(out + i, sop<Op>(load<f32>(a + i), load<f32>(b + i)));
}

/** `out[i] = a[i] op s` for i < n. */
function scalarLoop<Op>(a: usize, s: f32, out: usize, n: i32): void {
  const bytes = (<usize>n) << 2;
  const vecEnd = bytes & ~(<usize>15);
  const vs = f32x4.splat(s);
  let i: usize = 0;
  for (; i + 32 <= vecEnd; i += 32) {
    const x0 = v128.load(a + i);
    const x1 = v128.load(a + i, 16);
    v128.store(out + i, vop<Op>(x0, vs));
    v128.store(out + i, vop<Op>(x1, vs), 16);
  }
  for (; i < vecEnd; i += 16) v128.store(out + i, vop<Op>(v128.load(a + i), vs));
  for (; i < bytes; i += 4) store<f32>(out + i, sop<Op>(load<f32>(a + i), s));
}

function rowsLoop<Op>(a: usize, b: usize, out: usize, rows: i32, cols: i32, bStep: i32): void {
  const rowBytes = (<usize>cols) << 2;
  const bStepBytes = (<usize>bStep) << 2;
  for (let r = 0; r < rows; r++) {
    denseLoop<Op>(a, b, out, cols);
    a += rowBytes;
    out += rowBytes;
    b += bStepBytes;
  }
}

/**
 * `rows` rows of `cols` floats: `out[r, c] = a[r, c] op b[r * bStep + c]` (bStep = cols: dense b,
 * bStep = 0: one row of b broadcast to every row). op: 0 add, 1 sub, 2 mul, 3 div, 4 maximum.
 */
export function binaryRows(op: i32, a: usize, b: usize, out: usize, rows: i32, cols: i32, bStep: i32): void {
  if (op === ADD) rowsLoop<Add>(a, b, out, rows, cols, bStep);
  else if (op === SUB) rowsLoop<Sub>(a, b, out, rows, cols, bStep);
  else if (op === MUL) rowsLoop<Mul>(a, b, out, rows, cols, bStep);
  else if (op === DIV) rowsLoop<Div>(a, b, out, rows, cols, bStep);
  else rowsLoop<Max>(a, b, out, rows, cols, bStep);
}

/** `out[i] = a[i] op s` for i < n (a tensor-scalar op). */
export function binaryScalar(op: i32, a: usize, s: f32, out: usize, n: i32): void {
  if (op === ADD) scalarLoop<Add>(a, s, out, n);
  else if (op === SUB) scalarLoop<Sub>(a, s, out, n);
  else if (op === MUL) scalarLoop<Mul>(a, s, out, n);
  else if (op === DIV) scalarLoop<Div>(a, s, out, n);
  else scalarLoop<Max>(a, s, out, n);
}

/** `out[i] = relu(x[i])` for i < n: x when x > 0 or NaN, else +0. */
export function reluF32(x: usize, out: usize, n: i32): void {
  const bytes = (<usize>n) << 2;
  const vecEnd = bytes & ~(<usize>15);
  const zero = f32x4.splat(0);
  let i: usize = 0;
  for (; i + 32 <= vecEnd; i += 32) {
    const x0 = v128.load(x + i);
    const x1 = v128.load(x + i, 16);
    v128.store(out + i, v128.andnot(x0, f32x4.le(x0, zero)));
    v128.store(out + i, v128.andnot(x1, f32x4.le(x1, zero)), 16);
  }
  for (; i < vecEnd; i += 16) {
    const v = v128.load(x + i);
    v128.store(out + i, v128.andnot(v, f32x4.le(v, zero)));
  }
  for (; i < bytes; i += 4) {
    const v = load<f32>(x + i);
    store<f32>(out + i, v <= 0 ? <f32>0 : v); // NaN <= 0 is false: NaN stays
  }
}

/**
 * `out[i] = min(max(x[i], lo), hi)` for i < n with JavaScript's `Math.min(Math.max(x, lo), hi)`
 * rule, which is WebAssembly's `f32.max`/`f32.min`: NaN stays NaN, `-0 < +0`, and `lo > hi` gives
 * `hi` everywhere. ReLU6 is `lo = 0, hi = 6`.
 */
export function clampF32(x: usize, out: usize, n: i32, lo: f32, hi: f32): void {
  const bytes = (<usize>n) << 2;
  const vecEnd = bytes & ~(<usize>15);
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  let i: usize = 0;
  for (; i + 32 <= vecEnd; i += 32) {
    const x0 = v128.load(x + i);
    const x1 = v128.load(x + i, 16);
    v128.store(out + i, f32x4.min(f32x4.max(x0, vlo), vhi));
    v128.store(out + i, f32x4.min(f32x4.max(x1, vlo), vhi), 16);
  }
  for (; i < vecEnd; i += 16) {
    v128.store(out + i, f32x4.min(f32x4.max(v128.load(x + i), vlo), vhi));
  }
  for (; i < bytes; i += 4) {
    store<f32>(out + i, min<f32>(max<f32>(load<f32>(x + i), lo), hi));
  }
}
