// WGSL helpers shared by kernels. Infinity and NaN cannot be WGSL constants (constant evaluation
// rejects them), so they are made at run time from their bits through a variable; and compilers
// may fold `v != v` to false, so NaN is recognised by its bits.
export const SPECIAL_VALUES = `
fn f32_inf() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }
fn f32_nan() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }
fn is_nan(v: f32) -> bool { let b = bitcast<u32>(v); return (b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu) != 0u; }`;
