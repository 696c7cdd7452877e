// The TypeScript face of assembly/adam.ts: Adam's float32 update (no weight decay, no AMSGrad)
// in WebAssembly SIMD. The four arrays cross into WebAssembly memory in chunks small enough to
// stay in the L2 cache together; the parameter and both moments come back out.

import { align64, memoryView, noteKernel } from './gemm.js';
import type { GemmExports } from './loader.js';
import { gemmModule } from './loader.js';

/**
 * Name of the Adam update kernel (in `getBackendInfo().lastKernel` after {@link wasmAdamStep} ran).
 *
 * @example
 * ```ts
 * import { getBackendInfo, WASM_ADAM_KERNEL, wasmAdamStep } from '@torchlet/kernels';
 * const one = () => new Float32Array([1]);
 * wasmAdamStep(one(), one(), one(), one(), { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1, bias2Sqrt: 1 });
 * getBackendInfo().lastKernel === WASM_ADAM_KERNEL; // -> true
 * ```
 */
export const WASM_ADAM_KERNEL = 'wasm-simd128-adam';

/** Floats per array staged per chunk (4 x 32 KB). */
const CHUNK_FLOATS = 1 << 13;

interface AdamExports extends GemmExports {
  adamStepF32(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    bias2Sqrt: number,
    eps: number,
    stepSize: number,
  ): void;
}

/**
 * The hyper-parameters of one {@link wasmAdamStep}: PyTorch's `beta1`, `beta2`, `eps`, and the
 * step's bias corrections, `stepSize = lr / (1 - beta1^t)` and `bias2Sqrt = sqrt(1 - beta2^t)`.
 * Each is rounded to float32 (as PyTorch's float32 tensor ops round their scalars).
 *
 * @example
 * ```ts
 * import type { AdamStepScalars } from '@torchlet/kernels';
 * const first: AdamStepScalars = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 0.01 / 0.1, bias2Sqrt: Math.sqrt(0.001) };
 * first.beta1; // -> 0.9
 * ```
 */
export interface AdamStepScalars {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly stepSize: number;
  readonly bias2Sqrt: number;
}

/**
 * One Adam step in float32, in place, in WebAssembly SIMD: PyTorch's single-tensor update
 * (`torch.optim.Adam` with no weight decay, no AMSGrad, minimising), each operation rounded to
 * float32 in PyTorch's order:
 * `m = m*b1 + (1-b1)*g`, `v = v*b2 + ((1-b2)*g)*g`, `p = p - stepSize * (m / (sqrt(v)/bias2Sqrt + eps))`.
 * Non-finite values propagate as in PyTorch (a NaN gradient makes the parameter NaN).
 *
 * Returns `true` when it updated the first `p.length` elements of `p`, `m` and `v`, `false` when
 * it declined and left them untouched (not `Float32Array`s, or the module is unavailable: see
 * `ready`), so the caller runs its own loop. Arguments are trusted: `g`, `m` and `v` hold at
 * least `p.length` elements and do not overlap `p` or each other.
 *
 * Shapes: p, g, m, v `[n]`.
 *
 * @param p - The parameter's values, updated in place.
 * @param g - Its gradient.
 * @param m - The running average of the gradient (`exp_avg`), updated in place.
 * @param v - The running average of its square (`exp_avg_sq`), updated in place.
 * @param s - The step's scalars; see {@link AdamStepScalars}.
 * @returns `true` when WebAssembly updated `p`, `m` and `v`, `false` when it declined and left them untouched.
 * @see torch.optim.Adam
 * @example
 * ```ts
 * import { wasmAdamStep } from '@torchlet/kernels';
 * const p = new Float32Array([1, 1]);
 * const m = new Float32Array(2);
 * const v = new Float32Array(2);
 * // First step, lr 0.1: bias-corrected, it moves each element by lr against the gradient's sign.
 * wasmAdamStep(p, new Float32Array([3, -3]), m, v,
 *   { beta1: 0.9, beta2: 0.999, eps: 0, stepSize: 0.1 / 0.1, bias2Sqrt: Math.sqrt(0.001) }); // -> true
 * Array.from(p).map((x) => x.toFixed(4)); // -> ['0.9000', '1.1000']
 * ```
 */
export function wasmAdamStep(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  s: AdamStepScalars,
): boolean {
  const mod =
    p instanceof Float32Array && g instanceof Float32Array && m instanceof Float32Array && v instanceof Float32Array
      ? (gemmModule() as AdamExports | null)
      : null;
  if (mod === null) {
    noteKernel('js');
    return false;
  }
  const pAt = align64(mod.heapBase());
  const gAt = pAt + 4 * CHUNK_FLOATS;
  const mAt = gAt + 4 * CHUNK_FLOATS;
  const vAt = mAt + 4 * CHUNK_FLOATS;
  const mem = memoryView(mod, vAt + 4 * CHUNK_FLOATS);
  if (mem === null) {
    noteKernel('js');
    return false;
  }
  noteKernel(WASM_ADAM_KERNEL);
  const f = Math.fround;
  const b1 = f(s.beta1);
  const b2 = f(s.beta2);
  const c1 = f(1 - s.beta1);
  const c2 = f(1 - s.beta2);
  const [pF, gF, mF, vF] = [pAt / 4, gAt / 4, mAt / 4, vAt / 4];
  const n = p.length;
  for (let i0 = 0; i0 < n; i0 += CHUNK_FLOATS) {
    const i1 = Math.min(n, i0 + CHUNK_FLOATS);
    const len = i1 - i0;
    mem.set(p.subarray(i0, i1), pF);
    mem.set(g.subarray(i0, i1), gF);
    mem.set(m.subarray(i0, i1), mF);
    mem.set(v.subarray(i0, i1), vF);
    mod.adamStepF32(pAt, gAt, mAt, vAt, len, b1, c1, b2, c2, f(s.bias2Sqrt), f(s.eps), f(s.stepSize));
    p.set(mem.subarray(pF, pF + len), i0);
    m.set(mem.subarray(mF, mF + len), i0);
    v.set(mem.subarray(vF, vF + len), i0);
  }
  return true;
}
