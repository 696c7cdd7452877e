// WGSL helpers shared by kernels. Infinity and NaN cannot be WGSL constants (constant evaluation
// rejects them), so they are made at run time from their bits through a variable; and compilers
// may fold `v != v` to false, so NaN is recognised by its bits.
export const SPECIAL_VALUES = `
fn f32_inf() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }
fn f32_nan() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }
fn is_nan(v: f32) -> bool { let b = bitcast<u32>(v); return (b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu) != 0u; }`;

const F32_WORD = new Float32Array(1);
const U32_WORD = new Uint32Array(F32_WORD.buffer);

/** The bits of `value` rounded to float32, as a parameter word (shaders read it with `bitcast<f32>`). */
export function f32Word(value: number): number {
  F32_WORD[0] = value;
  return U32_WORD[0];
}
