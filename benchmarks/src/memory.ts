// Peak memory of one conv2d forward on the ResNet-block shape, measured in a fresh Node process
// per thread count, so nothing else (earlier workloads, tfjs, a grown WebAssembly memory) is
// resident: `node --expose-gc dist/memory.js <threads|auto>` prints one JSON line.
//
// Method: build the inputs, start the WebAssembly module (and the worker pool) on a small conv,
// collect garbage, read `process.memoryUsage().rss`, run the ResNet conv2d forward once, read RSS
// again (and the process's high-water mark). WebAssembly memory only grows and is never returned,
// so the RSS growth over the call is the memory the call made resident: the output array plus
// everything the kernel placed in WebAssembly memory (input copy, padded image, packed weights,
// per-thread scratch, output before it is copied out). A second call shows the steady state
// (the WebAssembly memory is reused; only the new output array is allocated).
// The bound it is compared with: the output plus one im2col buffer per thread, as an im2col +
// GEMM implementation would need (`Cin * kh * kw * Hout * Wout * 4` bytes each).

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConvShape } from './shapes.js';

/** One probe's result (bytes). */
export interface ConvMemoryProbe {
  readonly threads: number;
  readonly lastKernel: string;
  /** RSS growth over the first call (inputs already resident, module started). */
  readonly firstCallBytes: number;
  /** Growth of the process's high-water RSS over the first call (0 when an earlier peak was higher). */
  readonly firstCallMaxRssBytes: number;
  /** RSS growth over a second call, with the first call's output still alive. */
  readonly secondCallBytes: number;
  readonly outputBytes: number;
  readonly im2colBytes: number;
  /** `outputBytes + threads * im2colBytes`. */
  readonly boundBytes: number;
}

/** Output bytes, one im2col buffer's bytes and the bound (output + one im2col buffer per thread) of a float32 conv. */
export function conv2dMemoryBound(
  s: ConvShape,
  threads: number,
): { outputBytes: number; im2colBytes: number; boundBytes: number } {
  const [n, cin, h, w] = s.input;
  const [cout, , kh, kw] = s.weight;
  const [ph, pw] = s.padding;
  const hout = h + 2 * ph - kh + 1;
  const wout = w + 2 * pw - kw + 1;
  const outputBytes = 4 * n * cout * hout * wout;
  const im2colBytes = 4 * cin * kh * kw * hout * wout;
  return { outputBytes, im2colBytes, boundBytes: outputBytes + threads * im2colBytes };
}

/** Runs the probe in a fresh process for `threads` (1 or 'auto'). */
export function probeConvMemory(threads: number | 'auto'): ConvMemoryProbe {
  const script = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, ['--expose-gc', script, String(threads)], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as ConvMemoryProbe;
}

async function child(arg: string): Promise<void> {
  const { getBackendInfo, getThreads, setThreads } = await import('@torchlet/kernels');
  const { conv2d } = await import('@torchlet/ops');
  const { fromStorage, setBackend } = await import('@torchlet/tensor');
  const { randomData } = await import('./data.js');
  const { CONV_SHAPES } = await import('./shapes.js');
  const { waitForThreads } = await import('./torchlet.js');
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  setBackend('auto');
  setThreads(arg === 'auto' ? 'auto' : Number(arg));
  const s = CONV_SHAPES.find((c) => c.label === 'ResNet block');
  if (!s) throw new Error('no ResNet block shape');
  const x = fromStorage(
    randomData(
      s.input.reduce((a, b) => a * b, 1),
      1,
    ),
    [...s.input],
  );
  const w = fromStorage(
    randomData(
      s.weight.reduce((a, b) => a * b, 1),
      2,
    ),
    [...s.weight],
  );
  // Start the module and the workers on a small conv that takes the same WebAssembly kernel.
  await waitForThreads();
  const sx = fromStorage(randomData(8 * 16 * 16, 3), [1, 8, 16, 16]);
  const sw = fromStorage(randomData(8 * 8 * 9, 4), [8, 8, 3, 3]);
  for (let i = 0; i < 3; i++) conv2d(sx, sw, null, { padding: [1, 1] });
  gc();
  const rss0 = process.memoryUsage().rss;
  const max0 = process.resourceUsage().maxRSS * 1024;
  const y1 = conv2d(x, w, null, { padding: [...s.padding] });
  const rss1 = process.memoryUsage().rss;
  const max1 = process.resourceUsage().maxRSS * 1024;
  const y2 = conv2d(x, w, null, { padding: [...s.padding] });
  const rss2 = process.memoryUsage().rss;
  const threads = getThreads();
  const probe: ConvMemoryProbe = {
    threads,
    lastKernel: getBackendInfo().lastKernel,
    firstCallBytes: rss1 - rss0,
    firstCallMaxRssBytes: Math.max(0, max1 - Math.max(max0, rss0)),
    secondCallBytes: rss2 - rss1,
    ...conv2dMemoryBound(s, threads),
  };
  if (y1.numel !== y2.numel) throw new Error('outputs differ in size');
  console.log(JSON.stringify(probe));
  process.exit(0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  child(process.argv[2] ?? '1').catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
