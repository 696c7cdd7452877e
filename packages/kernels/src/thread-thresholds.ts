// How much work a call needs before it is split between threads. A split costs a hand-off per
// call: a worker that is still polling after its last job starts in 1-2 µs, a sleeping one is woken
// in 40-60 µs (2-vCPU VM), and operands staged in the threads' shared memory copy about 2x slower
// than into the single-threaded module's. Measured per layer (MobileNetV2 at batch 1, the calling
// thread and the worker pinned to the two cores, `nice -n -20` so the other processes on the
// shared machine do not take them: what a quiet 2-core machine gives), 1 thread / 2 threads, ms.
// When the scheduler puts both threads on one core (it does on this VM when the other core is
// busy), a split layer costs 2-9% more than one thread.

/**
 * conv2d forward problems (the implicit-GEMM kernel: every conv that is neither 1x1 nor
 * depthwise) of at least this many multiply-adds (batch * Cout * outH * outW * Cin/groups * kh *
 * kw) are split between threads. MobileNetV2's stem, 3x3 stride 2 `[1,3,224,224] -> 32` (10.8M,
 * 2^23.4): 1.17 / 0.97 ms (1.21x); `[1,64,56,56] -> 128` stride 2 (58M): 7.7 / 2.9 ms. The old
 * threshold, 2^25, was set when a hand-off cost a 0.2 ms poll whenever the scheduler put the
 * worker on the caller's core (threads.ts).
 */
export const CONV2D_PARALLEL_MIN_WORK = 2 ** 23;

/**
 * 1x1 conv2d forward problems (the pointwise kernel) of at least this many multiply-adds are split
 * between threads. Every 1x1 layer of MobileNetV2 at batch 1 (2.4M to 20M multiply-adds, 0.13 to
 * 1.9 ms on one thread) is faster on two: `[1,192,14,14] -> 64` (2.4M) 0.133 / 0.100 ms (1.33x),
 * `[1,576,14,14] -> 96` 0.61 / 0.40 ms (1.53x), `[1,320,7,7] -> 1280` 1.21 / 0.73 ms (1.66x),
 * `[1,256,28,28] -> 64` 0.79 / 0.57 ms (1.40x); least on the 112x112 layers, whose copies in and
 * out (on the calling thread) are most of the call: `[1,32,112,112] -> 16` 0.60 / 0.53 ms (1.14x).
 * Below 2^21 (0.1 ms) a wake-up is a large part of the call.
 */
export const POINTWISE_PARALLEL_MIN_WORK = 2 ** 21;

/**
 * conv2d problems of at least this many multiply-adds are split whenever threads are on; smaller
 * ones (from the thresholds above) only while the threads have been running at once (threads.ts'
 * `splitsPay`): a split of a 0.1-2 ms call pays only when the worker has a core of its own. 2^25
 * was the threshold before the hand-off was made cheap, so larger problems split as they did.
 */
export const PARALLEL_ALWAYS_MIN_WORK = 2 ** 25;
