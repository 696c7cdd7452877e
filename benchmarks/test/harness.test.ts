// The harness's statistics and bookkeeping on synthetic contenders driven by a fake clock:
// no real timing is measured or asserted.

import { describe, expect, it } from 'vitest';
import { permuteData } from '../src/data.js';
import {
  type Contender,
  type ContenderName,
  classifyError,
  convFlops,
  convOutSize,
  formatMs,
  gflops,
  type HarnessOptions,
  matmulFlops,
  median,
  metricCell,
  quantile,
  relativeDiff,
  renderTable,
  runWorkload,
  speedup,
  splitMatchPatterns,
  workloadMatches,
  workloadOptions,
} from '../src/harness.js';

describe('statistics', () => {
  it('median of odd and even samples, in any order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('quantiles interpolate linearly like NumPy', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([10, 20], 0.75)).toBe(17.5);
    expect(quantile([3, 1, 2], 0)).toBe(1);
    expect(quantile([3, 1, 2], 1)).toBe(3);
  });

  it('rejects an empty sample and a q outside [0, 1]', () => {
    expect(() => median([])).toThrow('empty');
    expect(() => quantile([1], 1.5)).toThrow('q must be in [0, 1]');
  });

  it('speedup is peer time over own time, null when either is missing', () => {
    expect(speedup(2, 8)).toBe(4);
    expect(speedup(8, 2)).toBe(0.25);
    expect(speedup(null, 2)).toBeNull();
    expect(speedup(2, null)).toBeNull();
    expect(speedup(0, 2)).toBeNull();
  });

  it('relativeDiff is the largest difference over max(1, max |reference|)', () => {
    expect(relativeDiff([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(relativeDiff([0.5, 0], [0, 0])).toBe(0.5);
    expect(relativeDiff([10, 0], [8, 0])).toBe(0.25);
    expect(relativeDiff([1], [1, 2])).toBeNull();
    expect(relativeDiff([Number.NaN], [1])).toBeNaN();
  });
});

describe('FLOP counting', () => {
  it('conv output size follows PyTorch', () => {
    expect(convOutSize(28, 5, 2)).toBe(28);
    expect(convOutSize(8, 2, 0)).toBe(7);
    expect(convOutSize(56, 2, 0, 2)).toBe(28);
    expect(convOutSize(7, 3, 1, 2)).toBe(4);
    expect(convOutSize(10, 3, 0, 1, 2)).toBe(6);
  });

  it('conv FLOPs are 2 * N * Cout * Hout * Wout * Cin/groups * kh * kw', () => {
    // d2l toy: 1x1x6x8 with a 1x2 kernel -> 6x7 outputs, 2 multiply-adds each.
    expect(convFlops({ batch: 1, inChannels: 1, outChannels: 1, outH: 6, outW: 7, kh: 1, kw: 2 })).toBe(168);
    // LeNet conv1.
    expect(convFlops({ batch: 64, inChannels: 1, outChannels: 6, outH: 28, outW: 28, kh: 5, kw: 5 })).toBe(15_052_800);
    // ResNet block: 1.85 GFLOP.
    expect(convFlops({ batch: 8, inChannels: 64, outChannels: 64, outH: 56, outW: 56, kh: 3, kw: 3 })).toBe(
      1_849_688_064,
    );
    const dense = { batch: 2, inChannels: 4, outChannels: 6, outH: 3, outW: 3, kh: 3, kw: 3 };
    expect(convFlops({ ...dense, groups: 2 })).toBe(convFlops(dense) / 2);
  });

  it('matmul FLOPs are 2mnk and GFLOP/s divides by time', () => {
    expect(matmulFlops(1024, 1024, 1024)).toBe(2 ** 31);
    expect(matmulFlops(2, 3, 4)).toBe(48);
    expect(gflops(2e9, 1000)).toBe(2);
    expect(gflops(3e6, 1)).toBe(3);
    expect(gflops(undefined, 1)).toBeNull();
    expect(gflops(1e9, null)).toBeNull();
  });
});

describe('error classification', () => {
  it('tells a missing tfjs kernel, a torchlet stub and a real error apart', () => {
    expect(classifyError(new Error("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'")).status).toBe(
      'no-kernel',
    );
    expect(classifyError(new Error('add: not implemented yet')).status).toBe('not-implemented');
    const other = classifyError(new Error('conv2d: weight has 3 input channels\nstack'));
    expect(other).toEqual({ status: 'error', note: 'conv2d: weight has 3 input channels' });
  });
});

/** A contender whose every call advances the fake clock by `costMs` and logs its name. */
function fake(
  name: ContenderName,
  clock: { t: number; log: string[] },
  costMs: number,
  output: number[] = [1, 2, 3],
): Contender {
  return {
    name,
    prepare: () => ({
      run: () => {
        clock.t += costMs;
        clock.log.push(name);
      },
      output: () => output,
    }),
  };
}

function options(clock: { t: number }, over: Partial<HarnessOptions> = {}): HarnessOptions {
  return {
    runs: 10,
    warmupMs: 10,
    minSampleMs: 5,
    slowCallMs: 1_000,
    budgetMs: 1_000_000,
    now: () => clock.t,
    rss: () => 64 * 2 ** 20,
    ...over,
  };
}

describe('--match', () => {
  it('splits at commas outside brackets, so a shape is one pattern', () => {
    expect(splitMatchPatterns('3x3 [1,64,56,56],stem')).toEqual(['3x3 [1,64,56,56]', 'stem']);
    expect(splitMatchPatterns('pointwise,,depthwise')).toEqual(['pointwise', 'depthwise']);
    expect(splitMatchPatterns('ResNet-18 [1,3,224')).toEqual(['ResNet-18 [1,3,224']);
    expect(splitMatchPatterns('ResNet-18 [1,3,224,MobileNetV2 [1,3,224')).toEqual([
      'ResNet-18 [1,3,224',
      'MobileNetV2 [1,3,224',
    ]);
    expect(splitMatchPatterns('3x3,7x7 stem')).toEqual(['3x3', '7x7 stem']);
    expect(splitMatchPatterns('a]b,c')).toEqual(['a]b', 'c']);
    expect(splitMatchPatterns('')).toEqual([]);
  });

  it('a whole shape picks its rows only', () => {
    const rows = [
      { name: '3x3', shape: '[1,64,56,56] * [64,64,3,3] p1' },
      { name: '3x3', shape: '[8,64,56,56] * [64,64,3,3] p1' },
      { name: 'forward (eval, noGrad)', shape: 'MobileNetV2 [1,3,224,224]' },
    ];
    const picked = (m: string) => rows.filter((r) => workloadMatches(r, splitMatchPatterns(m))).map((r) => r.shape);
    expect(picked('3x3 [1,64,56,56]')).toEqual(['[1,64,56,56] * [64,64,3,3] p1']);
    expect(picked('MobileNetV2 [1,3,224')).toEqual(['MobileNetV2 [1,3,224,224]']);
  });
});

describe('runWorkload', () => {
  it('reports per-call medians, repetitions, GFLOP/s and ratios', async () => {
    const clock = { t: 0, log: [] as string[] };
    const r = await runWorkload(
      {
        family: 'synthetic',
        name: 'op',
        shape: '[2]',
        flops: 4e6,
        contenders: [fake('torchlet-wasm', clock, 2), fake('tfjs-cpu', clock, 4), fake('tfjs-wasm', clock, 1)],
      },
      options(clock),
    );
    const [t, c, w] = r.results;
    expect(t.medianMs).toBe(2);
    expect(c.medianMs).toBe(4);
    expect(w.medianMs).toBe(1);
    expect(t.reps).toBe(3); // ceil(5 ms / 2 ms)
    expect(c.reps).toBe(2);
    expect(w.reps).toBe(5);
    expect(t.samplesMs).toHaveLength(10);
    expect(t.gflops).toBe(2);
    expect(t.peakRssMB).toBe(64);
    expect(r.speedup['torchlet-wasm']?.['tfjs-cpu']).toBe(2);
    expect(r.speedup['torchlet-wasm']?.['tfjs-wasm']).toBe(0.5);
    expect(r.speedup['tfjs-wasm']?.['torchlet-wasm']).toBe(2);
    expect(t.relDiff).toBe(0);
    expect(r.reference).toBe('torchlet-wasm');
  });

  it('times a remote contender by the batch (runMany): its round trip is paid once per sample', async () => {
    const clock = { t: 0, log: [] as string[] };
    const tripMs = 1;
    const remote: Contender = {
      name: 'ort-wasm-1t',
      prepare: () => ({
        run: () => {
          clock.t += tripMs + 2;
          clock.log.push('run');
        },
        runMany: async (reps: number) => {
          clock.t += tripMs + 2 * reps;
          clock.log.push(`many ${reps}`);
        },
      }),
    };
    const r = await runWorkload(
      { family: 'synthetic', name: 'op', shape: '[2]', contenders: [remote] },
      options(clock, { runs: 4, warmupMs: 0, minSampleMs: 20 }),
    );
    // Calibration's 3 single calls cost 3 ms each: reps = ceil(20 / 3) = 7, so a sample is one
    // batch of 7 calls, 1 + 14 ms, and a call's share of the round trip is 1/7 ms.
    expect(clock.log.slice(0, 3)).toEqual(['run', 'run', 'run']);
    expect(clock.log.slice(3)).toEqual(['many 7', 'many 7', 'many 7', 'many 7']);
    expect(r.results[0].medianMs).toBeCloseTo(2 + tripMs / 7, 12);
  });

  it('alternates the contenders sample by sample', async () => {
    const clock = { t: 0, log: [] as string[] };
    await runWorkload(
      {
        family: 'synthetic',
        name: 'op',
        shape: '[2]',
        contenders: [fake('torchlet-wasm', clock, 5), fake('tfjs-cpu', clock, 5)],
      },
      options(clock, { runs: 4, warmupMs: 0 }),
    );
    // calibration: 1 call + 2 warm-up calls each; then one call per sample (reps = 1), each round
    // one sample of every contender in a shuffled order.
    const sampling = clock.log.slice(6);
    expect(sampling).toHaveLength(8);
    const rounds = [0, 2, 4, 6].map((i) => sampling.slice(i, i + 2));
    for (const round of rounds) expect([...round].sort()).toEqual(['tfjs-cpu', 'torchlet-wasm']);
    expect(new Set(rounds.map((round) => round[0]))).toEqual(new Set(['tfjs-cpu', 'torchlet-wasm']));
  });

  it('varies who runs before whom from round to round (a fixed rotation always gave each the same predecessor)', async () => {
    const clock = { t: 0, log: [] as string[] };
    const names = ['torchlet-wasm', 'tfjs-cpu', 'tfjs-wasm'] as const;
    await runWorkload(
      {
        family: 'synthetic',
        name: 'op',
        shape: '[2]',
        contenders: names.map((n) => fake(n, clock, 5)),
      },
      options(clock, { runs: 6, warmupMs: 0 }),
    );
    const sampling = clock.log.slice(9);
    const predecessors = new Set<string>();
    for (let r = 0; r < 6; r++) {
      const round = sampling.slice(3 * r, 3 * r + 3);
      expect([...round].sort()).toEqual([...names].sort());
      const i = round.indexOf('torchlet-wasm');
      predecessors.add(i === 0 ? 'first' : round[i - 1]);
    }
    expect(predecessors.size).toBeGreaterThanOrEqual(3);
  });

  it('marks a missing kernel and a stub, and still compares the others', async () => {
    const clock = { t: 0, log: [] as string[] };
    const r = await runWorkload(
      {
        family: 'synthetic',
        name: 'op',
        shape: '[2]',
        contenders: [
          fake('torchlet-wasm', clock, 1),
          fake('tfjs-cpu', clock, 3),
          {
            name: 'tfjs-wasm',
            prepare: () => ({
              run: () => {
                throw new Error("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'");
              },
            }),
          },
        ],
      },
      options(clock, { runs: 3 }),
    );
    expect(r.results[2].status).toBe('no-kernel');
    expect(r.results[2].medianMs).toBeNull();
    expect(r.speedup['torchlet-wasm']?.['tfjs-cpu']).toBe(3);
    expect(r.speedup['torchlet-wasm']?.['tfjs-wasm']).toBeNull();
    const table = renderTable([r]);
    expect(table).toContain('n/a (no kernel)');
    expect(table).toContain('3.00x');
  });

  it('flags outputs that disagree', async () => {
    const clock = { t: 0, log: [] as string[] };
    const r = await runWorkload(
      {
        family: 'synthetic',
        name: 'op',
        shape: '[2]',
        contenders: [fake('torchlet-wasm', clock, 1, [1, 2, 4]), fake('tfjs-cpu', clock, 1, [1, 2, 3])],
      },
      options(clock, { runs: 2 }),
    );
    expect(r.results[1].relDiff).toBe(0.25);
    expect(renderTable([r])).toContain('MISMATCH');
  });

  it('gives a very slow contender fewer samples within its budget, counting the first call', async () => {
    const clock = { t: 0, log: [] as string[] };
    const r = await runWorkload(
      { family: 'synthetic', name: 'op', shape: '[2]', contenders: [fake('tfjs-cpu', clock, 400)] },
      options(clock, { slowCallMs: 100, budgetMs: 1_000 }),
    );
    expect(r.results[0].samplesMs).toEqual([400, 400]);
    expect(clock.log).toHaveLength(2);
  });

  it('skips contenders marked slow when asked', async () => {
    const clock = { t: 0, log: [] as string[] };
    const slow: Contender = { ...fake('tfjs-cpu', clock, 1), slow: true };
    const r = await runWorkload(
      { family: 'synthetic', name: 'op', shape: '[2]', contenders: [fake('torchlet-wasm', clock, 1), slow] },
      options(clock, { runs: 2, skipSlow: true }),
    );
    expect(r.results[1].status).toBe('skipped');
    expect(clock.log.every((n) => n === 'torchlet-wasm')).toBe(true);
  });
});

describe('workload settings, asynchronous calls and metrics', () => {
  it('a workload adjusts the CLI settings, but --runs always wins', () => {
    const clock = { t: 0 };
    const w = {
      family: 'synthetic',
      name: 'epoch',
      shape: '[2]',
      contenders: [],
      settings: (o: HarnessOptions) => ({ runs: Math.min(o.runs, 3), warmupMs: 0, budgetMs: o.budgetMs * 10 }),
    };
    const adjusted = workloadOptions(w, options(clock, { budgetMs: 100 }));
    expect([adjusted.runs, adjusted.warmupMs, adjusted.budgetMs, adjusted.minSampleMs]).toEqual([3, 0, 1_000, 5]);
    expect(workloadOptions(w, options(clock, { runs: 7, runsFromCli: true })).runs).toBe(7);
    const plain = options(clock);
    expect(workloadOptions({ ...w, settings: undefined }, plain)).toBe(plain);
  });

  it('awaits a call that returns a promise inside the timed region, and reads the metric once', async () => {
    const clock = { t: 0, log: [] as string[] };
    let metricReads = 0;
    const epoch = (name: ContenderName, costMs: number, metric: number): Contender => ({
      name,
      prepare: () => ({
        enter: () => {
          clock.log.push(`${name} enter`);
        },
        run: async () => {
          await Promise.resolve();
          clock.t += costMs; // the clock moves only after the first await: timing must include it
          clock.log.push(name);
        },
        metric: () => {
          metricReads++;
          return metric;
        },
      }),
    });
    const r = await runWorkload(
      {
        family: 'synthetic',
        name: 'epoch',
        shape: '[2]',
        metric: 'test acc',
        settings: () => ({ runs: 3, warmupMs: 0, slowCallMs: 0 }),
        contenders: [epoch('torchlet-wasm', 2_000, 0.91), epoch('tfjs-cpu', 6_000, 0.9)],
      },
      options(clock),
    );
    const [t, c] = r.results;
    expect(t.samplesMs).toEqual([2_000, 2_000, 2_000]);
    expect(c.samplesMs).toEqual([6_000, 6_000, 6_000]);
    expect(r.speedup['torchlet-wasm']?.['tfjs-cpu']).toBe(3);
    expect([t.metric, c.metric]).toEqual([0.91, 0.9]);
    expect(metricReads).toBe(2);
    expect(r.settings.runs).toBe(3);
    // every sample (the first one included) is preceded by enter: no call runs twice in a row
    expect(clock.log.filter((e) => !e.endsWith('enter'))).toHaveLength(6);
    for (let i = 0; i < clock.log.length; i += 2) expect(clock.log[i]).toBe(`${clock.log[i + 1]} enter`);
    expect(metricCell(r)).toBe('test acc - / - / 91.0% / 90.0% / -');
    expect(renderTable([r])).toContain('test acc - / - / 91.0% / 90.0% / -');
  });

  it('keeps the measurement when the metric throws', async () => {
    const clock = { t: 0, log: [] as string[] };
    const r = await runWorkload(
      {
        family: 'synthetic',
        name: 'epoch',
        shape: '[2]',
        metric: 'test acc',
        contenders: [
          {
            name: 'torchlet-wasm',
            prepare: () => ({
              run: () => {
                clock.t += 10;
              },
              metric: () => {
                throw new Error('broken');
              },
            }),
          },
        ],
      },
      options(clock, { runs: 2 }),
    );
    expect(r.results[0].status).toBe('ok');
    expect(r.results[0].medianMs).toBe(10);
    expect(r.results[0].metric).toBeNull();
    expect(r.results[0].note).toBe('metric failed: broken');
  });
});

describe('formatting and layouts', () => {
  it('formats times with three significant digits', () => {
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(0.0456)).toBe('45.6 µs');
  });

  it('permutes NCHW to NHWC and back', () => {
    const nchw = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]; // [1, 2, 2, 3]
    const nhwc = permuteData(nchw, [1, 2, 2, 3], [0, 2, 3, 1]);
    expect(Array.from(nhwc)).toEqual([0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11]);
    expect(Array.from(permuteData(nhwc, [1, 2, 3, 2], [0, 3, 1, 2]))).toEqual(nchw);
  });
});
