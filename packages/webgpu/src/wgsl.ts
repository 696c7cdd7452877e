// WGSL helpers shared by kernels. Infinity and NaN cannot be WGSL constants (constant evaluation
// rejects them), so they are made at run time from their bits through a variable.
export const SPECIAL_VALUES = `
fn f32_inf() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }
fn f32_nan() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }`;
