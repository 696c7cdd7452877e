// `pnpm start -- --device webgpu`, item by item: every exercise runs on the webgpu device (here
// SwiftShader, Chromium's software Vulkan driver: see @torchlet/webgpu) and on the CPU, and the two
// results must print the same numbers within float32 tolerance and pass the same checks. An
// exercise that declares `cpuOnly` must dispatch nothing on the GPU; every other one must dispatch
// GPU kernels. Without an adapter `ready()` rejects at the top of this file and every test fails.
import { getBackendInfo, ready } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { exercises } from '../src/registry.js';
import type { Block, ExerciseResult, RunOptions } from '../src/report.js';

await ready({ device: 'webgpu' }); // rejects with a TorchletError saying why when there is no adapter

// LeNet trains 2 batches of 16 and measures 100 test digits (the default budget, 250 batches and
// 2,000 test digits per network, takes SwiftShader a quarter of an hour per network).
const BUDGET: RunOptions['budget'] = { trainSize: 32, epochs: 1, batchSize: 16, lr: 5e-3, testSize: 100 };

/** Accepts `actual` when within `atol + rtol |expected|` (NaN matches NaN, infinities match exactly). */
function close(actual: number, expected: number, atol: number, rtol = 1e-4): boolean {
  if (Number.isNaN(expected) || !Number.isFinite(expected)) return Object.is(actual, expected);
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi;

/**
 * Printed text with its numbers compared by value: each number may differ by one unit in its last
 * printed digit (a float32 difference can flip a rounding) plus `atol`; the rest must be equal.
 */
function expectSameText(actual: string, expected: string, where: string, atol: number): void {
  expect(actual.replace(NUMBER, '#'), where).toBe(expected.replace(NUMBER, '#'));
  const a = actual.match(NUMBER) ?? [];
  const e = expected.match(NUMBER) ?? [];
  for (const [i, text] of e.entries()) {
    const mantissa = text.split(/e/i)[0];
    const decimals = mantissa.includes('.') ? mantissa.length - mantissa.indexOf('.') - 1 : 0;
    const exponent = /e/i.test(text) ? Number(text.split(/e/i)[1]) : 0;
    const unit = 10 ** (exponent - decimals);
    const ok = close(Number(a[i]), Number(text), atol + unit);
    expect(ok, `${where}: printed ${a[i]} on webgpu, ${text} on the cpu`).toBe(true);
  }
}

function expectSameValue(actual: unknown, expected: unknown, where: string, atol: number): void {
  if (typeof expected === 'number') {
    expect(close(actual as number, expected, atol), `${where}: ${actual} on webgpu, ${expected} on the cpu`).toBe(true);
  } else if (typeof expected === 'string') {
    expectSameText(actual as string, expected, where, atol);
  } else if (Array.isArray(expected)) {
    expect((actual as unknown[]).length, where).toBe(expected.length);
    for (const [i, v] of expected.entries()) expectSameValue((actual as unknown[])[i], v, `${where}[${i}]`, atol);
  } else {
    expect(actual, where).toEqual(expected);
  }
}

function expectSameBlock(gpu: Block, cpu: Block, where: string, atol: number): void {
  expect(gpu.kind, where).toBe(cpu.kind);
  if (gpu.kind === 'tensor' && cpu.kind === 'tensor') {
    expect([gpu.name, gpu.tensor.device, gpu.tensor.dtype, [...gpu.tensor.shape]], where).toEqual([
      cpu.name,
      'cpu',
      cpu.tensor.dtype,
      [...cpu.tensor.shape],
    ]);
    const a = gpu.tensor.toTypedArray();
    const e = cpu.tensor.toTypedArray();
    let scale = 0;
    for (let i = 0; i < e.length; i++)
      if (Number.isFinite(Number(e[i]))) scale = Math.max(scale, Math.abs(Number(e[i])));
    const differing = e.findIndex((v, i) => !close(Number(a[i]), Number(v), atol + 1e-5 * scale));
    expect(differing, `${where}: element ${differing}: ${a[differing]} on webgpu, ${e[differing]} on the cpu`).toBe(-1);
  } else if (gpu.kind === 'value' && cpu.kind === 'value') {
    expect(gpu.name, where).toBe(cpu.name);
    expectSameValue(gpu.value, cpu.value, `${where} value`, atol);
    expectSameText(gpu.text, cpu.text, `${where} text`, atol);
  } else if (gpu.kind === 'check' && cpu.kind === 'check') {
    expect([gpu.label, gpu.pass], where).toEqual([cpu.label, cpu.pass]);
    expectSameText(gpu.detail, cpu.detail, `${where} detail`, Math.max(atol, 1e-5));
  } else {
    expect(gpu, where).toEqual(cpu); // text, code and error blocks: identical
  }
}

/** A `[cpu] ...` note (ItemBuilder.cpuNote): printed off the CPU only, where a step runs on the CPU. */
function isCpuNote(b: Block): boolean {
  return b.kind === 'text' && b.text.startsWith('[cpu] ');
}

function expectSameResult(gpu: ExerciseResult, cpu: ExerciseResult, atol: number): void {
  expect(cpu.items.flatMap((i) => i.blocks).filter(isCpuNote)).toEqual([]);
  const gpuItems = gpu.items.map((i) => ({ ...i, blocks: i.blocks.filter((b) => !isCpuNote(b)) }));
  expect(gpuItems.map((i) => [i.key, i.heading, i.blocks.length])).toEqual(
    cpu.items.map((i) => [i.key, i.heading, i.blocks.length]),
  );
  for (const [i, item] of cpu.items.entries())
    for (const [j, b] of item.blocks.entries()) expectSameBlock(gpuItems[i].blocks[j], b, `${item.key}[${j}]`, atol);
}

/** The items that print a `[cpu]` note on webgpu, as `exercise/item`. */
function cpuNotes(result: ExerciseResult): string[] {
  return result.items.filter((i) => i.blocks.some(isCpuNote)).map((i) => `${result.id}/${i.key}`);
}

// Steps that run on the CPU under --device webgpu, each with a printed note saying why; a step that
// moves to the device (or a new one that leaves it) must update this list.
const CPU_STEPS = [
  'hand-kernels/blur', // float64
];
const notes: string[] = [];

describe('--device webgpu: every exercise, against the same run on the CPU', () => {
  it('finds the adapter and prints it', async () => {
    let out = '';
    let err = '';
    const code = await main(['--device', 'webgpu', '--only', 'receptive-field,stride-audio'], {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
    });
    expect([code, err]).toEqual([0, '']);
    const { vendor, architecture } = getBackendInfo().webgpu;
    expect(out).toContain(`device: webgpu (${vendor} ${architecture})`);
    expect(out).toContain('note: [stride-audio] runs on the cpu: ');
    expect(out).not.toContain('note: [receptive-field]');
  });

  it.each(exercises.map((e) => [e.id, e] as const))(
    '%s: the same printed numbers and checks',
    { timeout: 900_000 }, // SwiftShader runs the shaders on the CPU: the modern CNNs take minutes
    async (_, e) => {
      // A LeNet's test accuracy counts argmaxes, which a float32 difference can flip near a tie.
      const atol = e.section === 'lenet' ? 0.03 : 1e-4;
      const cpu = await e.run({ long: false, device: 'cpu', budget: BUDGET });
      const before = getBackendInfo().webgpu.dispatches;
      const gpu = await e.run({ long: false, device: 'webgpu', budget: BUDGET });
      const { dispatches, error } = getBackendInfo().webgpu;
      expect(error).toBe('');
      if (e.cpuOnly === undefined) expect(dispatches - before, 'GPU kernels dispatched').toBeGreaterThan(0);
      else expect(dispatches - before, 'a cpuOnly exercise dispatches nothing').toBe(0);
      expectSameResult(gpu, cpu, atol);
      notes.push(...cpuNotes(gpu));
      if (e.section !== 'lenet') {
        // the LeNet items train 2 batches here, too few for their accuracy checks on either device
        const failed = gpu.items.flatMap((i) => i.blocks.filter((b) => b.kind === 'check' && !b.pass));
        expect(failed).toEqual([]);
      }
    },
  );

  it('the steps that run on the CPU are the listed ones', () => {
    expect(notes.sort()).toEqual([...CPU_STEPS].sort());
  });
});
