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
  const aLoads = (TILE_M * TILE_K) / threads;
  const bLoads = (TILE_K * TILE_N) / threads;
  const kRange = p.kRange ?? 'fn kRange(b: u32) -> vec2<u32> { return vec2<u32>(0u, dims(b).z); }';
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
  var acc: array<f32, 16>;
  for (var k0 = kr.x; k0 < K; k0 += ${TILE_K}u) {
    for (var r = 0u; r < ${aLoads}u; r++) {
      let e = li + r * ${threads}u;
      let m = m0 + e % ${TILE_M}u;
      let k = k0 + e / ${TILE_M}u;
      var v = 0.0;
      if (m < M && k < K) { v = loadA(b, m, k); }
      As[e] = v;
    }
    for (var r = 0u; r < ${bLoads}u; r++) {
      let e = li + r * ${threads}u;
      let n = n0 + e % ${TILE_N}u;
      let k = k0 + e / ${TILE_N}u;
      var v = 0.0;
      if (n < N && k < K) { v = loadB(b, k, n); }
      Bs[e] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${TILE_K}u; kk++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) { av[i] = As[kk * ${TILE_M}u + lid.y * 4u + i]; }
      for (var j = 0u; j < 4u; j++) { bv[j] = Bs[kk * ${TILE_N}u + lid.x * 4u + j]; }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) { acc[i * 4u + j] = fma(av[i], bv[j], acc[i * 4u + j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + lid.y * 4u + i;
    for (var j = 0u; j < 4u; j++) {
      let n = n0 + lid.x * 4u + j;
      if (m < M && n < N) { store(b, m, n, acc[i * 4u + j]); }
    }
  }
}`;
}

/** Workgroups of a GEMM with C of `m` x `n`, `batches` times. */
export function gemmGroups(m: number, n: number, batches: number): [number, number, number] {
  return [Math.ceil(n / TILE_N), Math.ceil(m / TILE_M), batches];
}
