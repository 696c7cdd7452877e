// One tiled GEMM shader that matmul and the three conv2d passes share. Each kernel supplies
// `dims(b)` (M, N, K of batch/group b), `loadA(b, m, k)`, `loadB(b, k, n)` and `store(b, m, n, v)`;
// the template tiles C into 32x32 blocks per workgroup of 8x8 invocations (4x4 outputs each) and
// steps K by 16 through two tiles in workgroup memory. Conv2d's gathers live in its loaders, so no
// im2col matrix is ever built (implicit GEMM).

/** Output rows and columns per workgroup, and the K step. */
export const TILE_M = 32;
export const TILE_N = 32;
export const TILE_K = 16;

/** What a kernel plugs into the template: WGSL bindings and the four functions. */
export interface GemmPieces {
  /** Binding declarations (the parameters `P` included). */
  readonly bindings: string;
  /** WGSL defining `fn dims(b: u32) -> vec3<u32>`, `fn loadA(b: u32, m: u32, k: u32) -> f32`,
   * `fn loadB(b: u32, k: u32, n: u32) -> f32` and `fn store(b: u32, m: u32, n: u32, v: f32)`. */
  readonly functions: string;
  /**
   * WGSL defining `fn kRange(b: u32) -> vec2<u32>`, the `[begin, end)` of K that batch `b` sums
   * (split-K); by default all of `[0, K)`.
   */
  readonly kRange?: string;
}

/**
 * The WGSL of a tiled GEMM. Workgroup (x, y, z) computes C[b = z][y*32 .. +32][x*32 .. +32];
 * loads outside [0, M) x [0, K) or [0, K) x [0, N) read 0, so edges need no padding.
 */
export function gemmWgsl(p: GemmPieces): string {
  const threads = 64;
  const kRange = p.kRange ?? 'fn kRange(b: u32) -> vec2<u32> { return vec2<u32>(0u, dims(b).z); }';
  // Every loop with a fixed trip count is unrolled here, and the 4x4 accumulator is four vec4s:
  // software rasterizers such as SwiftShader neither unroll loops nor keep indexed arrays in
  // registers, and GPU compilers produce the same code either way.
  const loads = (tile: string, rows: number, cond: string, call: string, inner: string, outer: string): string =>
    Array.from({ length: (rows * TILE_K) / threads }, (_, r) => {
      const e = `li + ${r * threads}u`;
      return `  { let e = ${e}; let ${inner} = ${outer}0 + e % ${rows}u; let k = k0 + e / ${rows}u;
    var v = 0.0; if (${cond}) { v = ${call}; } ${tile}[e] = v; }`;
    }).join('\n');
  const steps = Array.from({ length: TILE_K }, (_, kk) => {
    const a = `${kk * TILE_M}u + ty`;
    const bb = `${kk * TILE_N}u + tx`;
    return `    { let a = vec4<f32>(As[${a}], As[${a} + 1u], As[${a} + 2u], As[${a} + 3u]);
      let q = vec4<f32>(Bs[${bb}], Bs[${bb} + 1u], Bs[${bb} + 2u], Bs[${bb} + 3u]);
      acc0 = fma(vec4<f32>(a.x), q, acc0); acc1 = fma(vec4<f32>(a.y), q, acc1);
      acc2 = fma(vec4<f32>(a.z), q, acc2); acc3 = fma(vec4<f32>(a.w), q, acc3); }`;
  }).join('\n');
  const stores = [0, 1, 2, 3]
    .map((i) =>
      ['x', 'y', 'z', 'w']
        .map(
          (c, j) =>
            `  if (m0 + ty + ${i}u < M && n0 + tx + ${j}u < N) { store(b, m0 + ty + ${i}u, n0 + tx + ${j}u, acc${i}.${c}); }`,
        )
        .join('\n'),
    )
    .join('\n');
  return `${p.bindings}
${p.functions}
${kRange}
var<workgroup> As: array<f32, ${TILE_K * TILE_M}>;
var<workgroup> Bs: array<f32, ${TILE_K * TILE_N}>;
@compute @workgroup_size(8, 8, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let b = wg.z;
  let d = dims(b);
  let M = d.x; let N = d.y;
  let kr = kRange(b);
  let K = kr.y;
  let m0 = wg.y * ${TILE_M}u;
  let n0 = wg.x * ${TILE_N}u;
  let ty = lid.y * 4u;
  let tx = lid.x * 4u;
  var acc0 = vec4<f32>(); var acc1 = vec4<f32>(); var acc2 = vec4<f32>(); var acc3 = vec4<f32>();
  for (var k0 = kr.x; k0 < K; k0 += ${TILE_K}u) {
${loads('As', TILE_M, 'm < M && k < K', 'loadA(b, m, k)', 'm', 'm')}
${loads('Bs', TILE_N, 'n < N && k < K', 'loadB(b, k, n)', 'n', 'n')}
    workgroupBarrier();
${steps}
    workgroupBarrier();
  }
${stores}
}`;
}

/** Workgroups of a GEMM with C of `m` x `n`, `batches` times. */
export function gemmGroups(m: number, n: number, batches: number): [number, number, number] {
  return [Math.ceil(n / TILE_N), Math.ceil(m / TILE_M), batches];
}
