// How much work a call needs before it is split between threads. A split costs a hand-off per
// call (waking the workers, then joining them), which on the 2-core machines measured here costs
// about as much as a batch-1 MobileNetV2 layer saves by it.

/**
 * conv2d forward problems of at least this many multiply-adds (batch * Cout * outH * outW *
 * Cin/groups * kh * kw) are split between threads. Measured (`pnpm bench -- --only nets`, 2 cores,
 * torchlet 1 thread / 2 threads, benchmarks/README.md): MobileNetV2's batch-1 pointwise layers
 * (4.8M to 20M multiply-adds, 0.3-1.7 ms on one thread) ran 1.5-4x slower on two threads
 * (`[1,144,56,56] -> 24` 1.25 / 4.91 ms, `[1,64,56,56] -> 128` s2 0.70 / 2.12 ms), and the whole
 * MobileNetV2 at batch 1 took 57.7 ms on one thread, 67.8 ms on two; from 2^25.8 (the batch-1 3x3
 * stride 2, 58M: 17.6 / 12.3 ms; the 3x3 and the 7x7 stem, 116-118M: 41.5 / 23.0 and 32.5 / 23.8 ms)
 * two threads win. The old threshold, 2^22, split every one of those pointwise layers.
 */
export const CONV2D_PARALLEL_MIN_WORK = 2 ** 25;
