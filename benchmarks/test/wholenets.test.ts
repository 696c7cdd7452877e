// The whole-network path at a tiny size (4 classes, 32x32, batch 2), so it cannot rot: export to
// ONNX, onnxruntime-web's output checked against torchlet's, PyTorch's too when installed, a
// ResNet-18 training step, the table. Two samples each; no time is asserted.

import { afterAll, describe, expect, it } from 'vitest';
import { type HarnessOptions, runWorkload, type WorkloadResult } from '../src/harness.js';
import { findTorch } from '../src/pytorch.js';
import { peakRssBytes } from '../src/wholenet-memory.js';
import { checkAgreement, outputDifference, type WholeNetCase } from '../src/wholenet-models.js';
import { forwardWorkload, removeScratch, trainWorkload, WHOLE_NET_WORKLOADS, wholeNetCases } from '../src/wholenets.js';
import { renderMemoryTable } from '../src/wholenets-report.js';
import { renderWholeNetsTable, stepOverForward, wholeNetsHeader } from '../src/wholenets-table.js';

const TINY: HarnessOptions = { runs: 2, warmupMs: 0, minSampleMs: 0, slowCallMs: 0, budgetMs: 10_000 };
const withTorch = findTorch() !== null;

describe('the wholenets family', () => {
  afterAll(removeScratch);

  it('covers ResNet-18 and MobileNetV2 at 224x224, batch 1 and 8, and a batch-8 training step', () => {
    const { forward, train } = wholeNetCases();
    expect(forward.map((c) => [c.net, c.batch, c.size, c.numClasses])).toEqual([
      ['resnet18', 1, 224, 1000],
      ['resnet18', 8, 224, 1000],
      ['mobilenetV2', 1, 224, 1000],
      ['mobilenetV2', 8, 224, 1000],
    ]);
    expect(train.map((c) => [c.net, c.batch])).toEqual([
      ['resnet18', 8],
      ['mobilenetV2', 8],
    ]);
    for (const c of ['1t vs ort-1t', 'all vs ort-all', '1t vs pytorch-1t', 'all vs pytorch-all'])
      expect(wholeNetsHeader()).toContain(c);
  });

  it('judges agreement against the largest |y|, and fails a peer beyond 1e-3', () => {
    expect(outputDifference([0.011, 0.02], [0.01, 0.02])).toBeCloseTo(0.05, 10);
    expect(outputDifference([1, 2], [1])).toBe(Number.POSITIVE_INFINITY);
    expect(outputDifference([Number.NaN], [1])).toBe(Number.POSITIVE_INFINITY);
    expect(() => checkAgreement('ort-wasm', [0.0102], [0.01])).toThrow(/MISMATCH/);
    expect(checkAgreement('ort-wasm', [1.0000001], [1])).toBeLessThan(1e-6);
  });

  it('tabulates the fresh-process peaks per workload and runtime', () => {
    const MB = 2 ** 20;
    const table = renderMemoryTable([
      { runtime: 'torchlet', task: 'forward', net: 'resnet18', batch: 1, baselineBytes: 100 * MB, peakBytes: 300 * MB },
      { runtime: 'ort', task: 'forward', net: 'resnet18', batch: 1, baselineBytes: 50 * MB, peakBytes: 250 * MB },
      { runtime: 'pytorch', task: 'train', net: 'mobilenetV2', batch: 8, baselineBytes: 200 * MB, peakBytes: 900 * MB },
      { key: 'ort forward mobilenetV2 8', error: 'boom' },
    ]);
    expect(table).toContain('| forward ResNet-18 batch 1 ');
    expect(table).toMatch(/300 \(\+200\) +\| 250 \(\+200\) +\| - /);
    expect(table).toMatch(/training step MobileNetV2 batch 8 +\| - +\| - +\| 900 \(\+700\)/);
    // this process's own high-water mark (VmHWM), at least what is resident now
    expect(peakRssBytes()).toBeGreaterThanOrEqual(process.memoryUsage().rss * 0.5);
  });

  it('runs ResNet-18 and MobileNetV2 at a tiny size: export, ort-web (and PyTorch) agree, a training step', async () => {
    const results: WorkloadResult[] = [];
    for (const net of ['resnet18', 'mobilenetV2'] as const) {
      const c: WholeNetCase = { net, numClasses: 4, batch: 2, size: 32 };
      const fwd = await runWorkload(forwardWorkload(c), TINY);
      results.push(fwd);
      for (const r of fwd.results) {
        if (r.name.startsWith('pytorch') && !withTorch) {
          expect([r.name, r.status, r.note]).toEqual([r.name, 'skipped', 'skipped: python3-torch not installed']);
          continue;
        }
        expect([r.name, r.status, r.note]).toEqual([r.name, 'ok', undefined]);
        expect(r.samplesMs.length).toBe(2);
        // torchlet's own rows carry 0; every peer its measured difference, within 1e-3.
        expect(r.metric).toBeLessThanOrEqual(1e-3);
      }
      expect(fwd.results.map((r) => r.name)).toEqual([
        'torchlet-wasm-1t',
        'torchlet-wasm',
        'ort-wasm-1t',
        'ort-wasm',
        'pytorch-1t',
        'pytorch',
      ]);
      // The training step on ResNet-18 only (the slowest part; MobileNetV2 takes the same code path).
      if (net !== 'resnet18') continue;
      const train = await runWorkload(trainWorkload(c), TINY);
      results.push(train);
      const losses = train.results.filter((r) => r.status === 'ok').map((r) => r.metric ?? Number.NaN);
      expect(losses.length).toBe(withTorch ? 4 : 2);
      // the same weights and batch: every first-step loss is near ln(4) and they agree
      for (const l of losses) expect(Math.abs(l - losses[0])).toBeLessThan(0.05 * losses[0]);
      expect(stepOverForward(train, [fwd, train])).toMatch(/^\d+\.\d\dx \/ \d+\.\d\dx$/);
    }
    const table = renderWholeNetsTable(results);
    expect(table).toContain(WHOLE_NET_WORKLOADS.forward);
    expect(table).toContain('ResNet-18 [2,3,32,32]');
    expect(table).not.toContain('MISMATCH');
  }, 240_000); // about 30 s on an idle machine; the shared machine is often loaded 8x
});
