// The three torchlet configurations, the table's ratio columns, the combined conv workload's FLOPs,
// the d2l toy data and the memory bound: bookkeeping only, nothing is timed.

import { describe, expect, it } from 'vitest';
import { edgeImage, edgeTarget, forwardBackwardFlops, LEARN_KERNEL } from '../src/bench-conv.js';
import {
  bestTorchletGflops,
  CONTENDER_NAMES,
  type ContenderName,
  type ContenderResult,
  convFlops,
  RATIO_COLUMNS,
  renderTable,
  tableHeader,
  tableRow,
  type WorkloadResult,
  workloadMatches,
} from '../src/harness.js';
import { conv2dMemoryBound } from '../src/memory.js';
import { CONV_SHAPES } from '../src/shapes.js';
import { concatOutputs, TORCHLET_CONFIGS } from '../src/torchlet.js';

function result(name: ContenderName, medianMs: number | null, gflops: number | null = null): ContenderResult {
  return {
    name,
    status: medianMs === null ? 'no-kernel' : 'ok',
    samplesMs: medianMs === null ? [] : Array(10).fill(medianMs),
    reps: 1,
    medianMs,
    minMs: medianMs,
    relIqr: 0,
    gflops,
    peakRssMB: medianMs === null ? null : 100,
    relDiff: medianMs === null ? null : 0,
    metric: null,
  };
}

function workload(times: Partial<Record<ContenderName, number | null>>): WorkloadResult {
  const results = CONTENDER_NAMES.map((n) =>
    result(n, times[n] ?? null, times[n] == null ? null : 1 / (times[n] as number)),
  );
  const speedup: Record<string, Record<string, number | null>> = {};
  for (const a of results) {
    speedup[a.name] = {};
    for (const b of results)
      if (a !== b)
        speedup[a.name][b.name] = a.medianMs !== null && b.medianMs !== null ? b.medianMs / a.medianMs : null;
  }
  return {
    family: 'conv',
    name: 'op',
    shape: '[2]',
    flops: 1e6,
    metric: null,
    settings: { runs: 10, warmupMs: 0, slowCallMs: 0, budgetMs: 0 },
    results,
    speedup,
    reference: 'torchlet-js',
    processMaxRssMB: 0,
  };
}

describe('torchlet configurations', () => {
  it('runs js, WebAssembly on one thread and WebAssembly on every core', () => {
    expect(TORCHLET_CONFIGS['torchlet-js']).toEqual({ backend: 'js', threads: null });
    expect(TORCHLET_CONFIGS['torchlet-wasm-1t']).toEqual({ backend: 'auto', threads: 1 });
    expect(TORCHLET_CONFIGS['torchlet-wasm']).toEqual({ backend: 'auto', threads: 'auto' });
  });

  it('concatenates several outputs in order', () => {
    expect(Array.from(concatOutputs([[1, 2], new Float32Array([3]), []]))).toEqual([1, 2, 3]);
  });
});

describe('the table', () => {
  it('has a time column per contender and the four ratio columns', () => {
    const h = tableHeader();
    for (const n of CONTENDER_NAMES) expect(h).toContain(n);
    expect(h).toContain('1t vs tfjs-wasm');
    expect(h).toContain('all vs tfjs-wasm');
    expect(h).toContain('1t vs tfjs-cpu');
    expect(h).toContain('all vs tfjs-cpu');
    expect(RATIO_COLUMNS).toHaveLength(4);
  });

  it('quotes each tfjs backend against the one-thread and all-thread configurations', () => {
    const w = workload({
      'torchlet-js': 8,
      'torchlet-wasm-1t': 2,
      'torchlet-wasm': 1,
      'tfjs-cpu': 40,
      'tfjs-wasm': null,
    });
    const row = tableRow(w);
    const h = tableHeader();
    expect(row[h.indexOf('1t vs tfjs-wasm')]).toBe('n/a');
    expect(row[h.indexOf('all vs tfjs-wasm')]).toBe('n/a');
    expect(row[h.indexOf('1t vs tfjs-cpu')]).toBe('20.0x');
    expect(row[h.indexOf('all vs tfjs-cpu')]).toBe('40.0x');
    expect(row[h.indexOf('tfjs-wasm')]).toBe('n/a (no kernel)');
    expect(bestTorchletGflops(w)).toBe('1.00 (all)');
    expect(renderTable([w]).split('\n')).toHaveLength(3);
  });
});

describe('--match', () => {
  it('keeps workloads whose name and shape contain a pattern, case-insensitive', () => {
    const w = { name: 'conv2d forward+backward', shape: 'ResNet block [8,64,56,56]' };
    expect(workloadMatches(w, [])).toBe(true);
    expect(workloadMatches(w, ['resnet'])).toBe(true);
    expect(workloadMatches(w, ['lenet', 'FORWARD+BACKWARD'])).toBe(true);
    expect(workloadMatches(w, ['corr2d'])).toBe(false);
  });
});

describe('workload definitions', () => {
  it('counts forward + both gradients as three forwards', () => {
    const f = convFlops({ batch: 8, inChannels: 64, outChannels: 64, outH: 56, outW: 56, kh: 3, kw: 3 });
    expect(forwardBackwardFlops(f)).toBe(3 * f);
  });

  it("builds the book's edge image and its target", () => {
    const x = edgeImage();
    expect(Array.from(x.slice(0, 8))).toEqual([1, 1, 0, 0, 0, 0, 1, 1]);
    expect(Array.from(edgeTarget(x).slice(0, 7))).toEqual([0, 1, 0, 0, 0, -1, 0]);
    expect(LEARN_KERNEL.epochs).toBe(10);
    expect(LEARN_KERNEL.lr).toBe(0.03);
  });

  it('bounds the ResNet conv forward by the output plus one im2col buffer per thread', () => {
    const resnet = CONV_SHAPES.find((s) => s.label === 'ResNet block');
    if (!resnet) throw new Error('no ResNet shape');
    const one = conv2dMemoryBound(resnet, 1);
    expect(one.outputBytes).toBe(4 * 8 * 64 * 56 * 56);
    expect(one.im2colBytes).toBe(4 * 64 * 3 * 3 * 56 * 56);
    expect(conv2dMemoryBound(resnet, 2).boundBytes).toBe(one.outputBytes + 2 * one.im2colBytes);
  });
});
