import { WASM_CHANNEL_AFFINE_KERNEL } from './channel-affine.js';
import { WASM_CONV2D_KERNEL } from './conv.js';
import { WASM_CONV2D_BACKWARD_WEIGHT_KERNEL } from './conv-backward.js';
import {
  WASM_CONV2D_1X1_BACKWARD_INPUT_KERNEL,
  WASM_CONV2D_1X1_BACKWARD_KERNEL,
  WASM_CONV2D_1X1_BACKWARD_WEIGHT_KERNEL,
} from './conv-backward-1x1.js';
import { WASM_CONV2D_BACKWARD_INPUT_KERNEL } from './conv-backward-input.js';
import { WASM_CONV2D_BACKWARD_WEIGHT_GEMM_KERNEL } from './conv-backward-weight-gemm.js';
import { WASM_CONV2D_SMALL_KERNEL } from './conv-small.js';
import { WASM_TRANSPOSE_KERNEL } from './copy.js';
import { WASM_DEPTHWISE_KERNEL } from './depthwise.js';
import { WASM_ELEMENTWISE_KERNEL } from './elementwise.js';
import { lastGemmKernel, WASM_GEMM_KERNEL } from './gemm.js';
import { gemmModule, loadError, simdSupported } from './loader.js';
import { WASM_MAX_POOL2D_KERNEL } from './max-pool.js';
import { WASM_POINTWISE_KERNEL } from './pointwise.js';
import { WASM_MAX_POOL_KERNEL } from './pool.js';
import { WASM_SUM_KERNEL } from './reduce.js';
import { activeThreads, getThreads, threadPool, threadPoolError } from './threads.js';
import { WASM_WINOGRAD_KERNEL } from './winograd.js';

/**
 * What {@link getBackendInfo} reports.
 *
 * @example
 * ```ts
 * import { type BackendInfo, getBackendInfo } from '@torchlet/kernels';
 * const info: BackendInfo = getBackendInfo();
 * typeof info.lastKernel; // -> 'string'
 * ```
 */
export interface BackendInfo {
  /** Whether the engine supports WebAssembly 128-bit SIMD. */
  readonly simd: boolean;
  /** Whether the WebAssembly module is compiled and in use. */
  readonly wasmLoaded: boolean;
  /** Threads a large GEMM may run on, as set by `setThreads` (1: the calling thread only). */
  readonly threads: number;
  /**
   * Threads a large product runs on right now: the calling thread plus the workers that have
   * started (they start in the background; `await ready()` waits for them). Below `threads` while
   * they start, or when the host cannot run them (see `error`).
   */
  readonly threadsActive: number;
  /**
   * The kernel that ran the last `wasmGemm`, `wasmConv2dForward`, `wasmConv2dBackwardWeight`,
   * `wasmMaxPool2x2`, `wasmBinary` or `wasmRelu` call: `'wasm-simd128-sgemm-4x8'`,
   * `'wasm-simd128-conv2d-implicit-4x8'` (`'wasm-simd128-conv2d-pointwise-4x8'` for 1x1 convs with groups 1 and
   * no padding: `wasmPointwiseConv2dForward`; `'wasm-simd128-conv2d-winograd-f2x2-3x3'` for the 3x3 stride-1 convs
   * it runs as Winograd F(2x2, 3x3): `wasmWinogradConv2dForward`), `'wasm-simd128-conv2d-backward-weight-2x4'`,
   * `'wasm-simd128-conv2d-backward-weight-gemm'` (`wasmConv2dBackwardWeightGemm`),
   * `'wasm-simd128-conv2d-backward-input-col2im'` (`wasmConv2dBackwardInput`),
   * `'wasm-simd128-conv2d-1x1-backward-input-gemm'` / `'wasm-simd128-conv2d-1x1-backward-weight-gemm'`
   * (`wasmConv2dBackwardInput1x1` / `wasmConv2dBackwardWeight1x1`), `'wasm-simd128-conv2d-1x1-backward-gemm'`
   * (both from one copy of dy: `wasmConv2dBackward1x1`) or
   * `'wasm-simd128-conv2d-small-cout'` (`wasmConv2dSmallForward`), `'wasm-simd128-depthwise-conv2d'` (the `wasmDepthwiseConv2d*` kernels) (with
   * ` x2 threads` when it was split), `'wasm-simd128-maxpool-2x2'`, `'wasm-simd128-maxpool2d'` (`wasmMaxPool2d`; `'wasm-simd128-maxpool3x3s2'` for its 3x3 / stride 2 values-only kernel), `'wasm-simd128-channel-affine'` (`wasmChannelAffine`), `'wasm-simd128-elementwise'`,
   * `'wasm-simd128-sum-f64acc'` (`wasmSum`), `'wasm-simd128-transpose-4x4'` (`wasmTranspose`),
   * `'js'` when it declined, `'none'` before any call.
   */
  readonly lastKernel: string;
  /** Kernels this package provides. */
  readonly kernels: readonly string[];
  /** Why the module or the worker threads could not be set up ('' when they were, or were not tried). */
  readonly error: string;
}

/**
 * Reports which compute backend is in use. In Node this compiles the WebAssembly module if it was
 * not yet (as the first kernel call would); in a browser it reports the state {@link ready} left.
 *
 * @returns A snapshot: SIMD support, whether the WebAssembly module is in use, the thread counts (set and
 *   running), the last kernel that ran and any load error.
 * @example
 * ```ts
 * import { availableParallelism } from 'node:os';
 * import { getBackendInfo } from '@torchlet/kernels';
 * const info = getBackendInfo();
 * // The default in Node: every core.
 * info.threads === availableParallelism(); // -> true
 * info.wasmLoaded === info.simd; // -> true
 * ```
 */
export function getBackendInfo(): BackendInfo {
  const loaded = (threadPool() ?? gemmModule()) !== null;
  return {
    simd: simdSupported(),
    wasmLoaded: loaded,
    threads: getThreads(),
    threadsActive: activeThreads(),
    lastKernel: lastGemmKernel(),
    kernels: loaded
      ? [
          WASM_GEMM_KERNEL,
          WASM_CONV2D_KERNEL,
          WASM_POINTWISE_KERNEL,
          WASM_WINOGRAD_KERNEL,
          WASM_CONV2D_BACKWARD_WEIGHT_KERNEL,
          WASM_CONV2D_BACKWARD_WEIGHT_GEMM_KERNEL,
          WASM_CONV2D_BACKWARD_INPUT_KERNEL,
          WASM_CONV2D_1X1_BACKWARD_INPUT_KERNEL,
          WASM_CONV2D_1X1_BACKWARD_WEIGHT_KERNEL,
          WASM_CONV2D_1X1_BACKWARD_KERNEL,
          WASM_CONV2D_SMALL_KERNEL,
          WASM_DEPTHWISE_KERNEL,
          WASM_MAX_POOL_KERNEL,
          WASM_MAX_POOL2D_KERNEL,
          WASM_CHANNEL_AFFINE_KERNEL,
          WASM_ELEMENTWISE_KERNEL,
          WASM_SUM_KERNEL,
          WASM_TRANSPOSE_KERNEL,
        ]
      : [],
    error: [loadError(), threadPoolError()].filter((e) => e !== '').join('; '),
  };
}
