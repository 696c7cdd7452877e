import { describe, expect, it } from 'vitest';
import { alexnetExercise } from '../src/exercises/alexnet.js';
import { densenetExercise } from '../src/exercises/densenet.js';
import { googlenetExercise } from '../src/exercises/googlenet.js';
import { mobilenetExercise } from '../src/exercises/mobilenet.js';
import { ninExercise } from '../src/exercises/nin.js';
import { resnetExercise } from '../src/exercises/resnet.js';
import { vggExercise } from '../src/exercises/vgg.js';
import type { Exercise } from '../src/report.js';
import { expectChecksPass, expectPrintedTensors, expectPrintedValues } from './helpers.js';

const BUILD = { timeout: 300_000 }; // building torchvision-sized models with random weights takes seconds

/** A summary table ending with torchvision's total, and a cost table whose total row adds its blocks. */
function summaryAndCosts(total: number) {
  return {
    summary: (v: unknown) => expect(v).toMatch(new RegExp(`Total params: ${total.toLocaleString('en-US')}\\n`)),
    costs: (v: unknown) => {
      const lines = (v as string).split('\n');
      const num = (t: string) => Number(t.replaceAll(',', ''));
      const blocks = lines.slice(1, -1).map((line) => {
        const m = /\s([\d,]+)\s+[\d.]+%\s+([\d,]+)\s+[\d.]+%$/.exec(line);
        expect(m, line).not.toBeNull();
        return [num((m as RegExpExecArray)[1]), num((m as RegExpExecArray)[2])];
      });
      const last = /^total\s+([\d,]+)\s+([\d,]+)$/.exec(lines[lines.length - 1]) as RegExpExecArray;
      const [params, macs] = [num(last[1]), num(last[2])];
      expect(params).toBe(total);
      expect(blocks.reduce((s, b) => s + b[0], 0)).toBe(params);
      expect(blocks.reduce((s, b) => s + b[1], 0)).toBe(macs);
    },
  };
}

async function expectModel(
  e: Exercise,
  total: number,
  extra: Record<string, (v: unknown) => void> = {},
): Promise<void> {
  const r = await e.run();
  const { summary, costs } = summaryAndCosts(total);
  expectPrintedTensors(r, {});
  expectPrintedValues(r, { 'summary/summary': summary, 'summary/costs': costs, ...extra });
  expectChecksPass(r);
}

describe('the next chapter: modern CNNs with their torchvision parameter counts', () => {
  it('AlexNet', BUILD, () => expectModel(alexnetExercise, 61_100_840));
  it('NiN', BUILD, () => expectModel(ninExercise, 1_992_166));
  it('GoogLeNet', BUILD, () => expectModel(googlenetExercise, 6_624_904));
  it('ResNet-18', BUILD, () => expectModel(resnetExercise, 11_689_512));
  it('DenseNet-121', BUILD, () => expectModel(densenetExercise, 7_978_856));
  it('MobileNetV2', BUILD, () =>
    expectModel(mobilenetExercise, 3_504_872, { 'summary/ratio': (v) => expect(v).toBeGreaterThan(5) }),
  );
  it('VGG-11 by hand', async () => {
    const r = await vggExercise.run();
    // 3x3 convolutions of configuration A at 224 x 224, then 25088 -> 4096 -> 4096 -> 1000
    const convs: [number, number, number][] = [
      [3, 64, 224],
      [64, 128, 112],
      [128, 256, 56],
      [256, 256, 56],
      [256, 512, 28],
      [512, 512, 28],
      [512, 512, 14],
      [512, 512, 14],
    ];
    const dense = [25088, 4096, 4096, 1000];
    const params =
      convs.reduce((s, [i, o]) => s + o * (9 * i + 1), 0) +
      dense.slice(1).reduce((s, o, k) => s + o * (dense[k] + 1), 0);
    const macs =
      convs.reduce((s, [i, o, hw]) => s + o * i * 9 * hw * hw, 0) +
      dense.slice(1).reduce((s, o, k) => s + o * dense[k], 0);
    const quarter = convs.map(([i, o, hw]) => [i === 3 ? 3 : i / 4, o / 4, hw]);
    const { summary, costs } = summaryAndCosts(quarter.reduce((s, [i, o]) => s + o * (9 * i + 1), 0));
    expectPrintedTensors(r, {});
    expectPrintedValues(r, {
      'vgg11/by hand': [params, macs],
      'vgg11/small summary': summary,
      'vgg11/small costs': costs,
      'vgg11/ratio': (v) =>
        expect(v).toBeCloseTo((macs - 123_633_664) / quarter.reduce((s, [i, o, hw]) => s + o * i * 9 * hw * hw, 0), 3),
    });
    expect(params).toBe(132_863_336);
    expectChecksPass(r);
  });
});
