import { loadAllDigits, trainTestSplit } from '@torchlet/mnist/data';
import { describe, expect, it } from 'vitest';
import { lenetExercise } from '../src/exercises/lenet.js';
import { lenetActivationsExercise } from '../src/exercises/lenet-activations.js';
import { lenetModernExercise } from '../src/exercises/lenet-modern.js';
import { lenetVariantsExercise } from '../src/exercises/lenet-variants.js';
import { expectChecksPass, expectPrintedTensors, expectPrintedValues } from './helpers.js';

// Trainings are shared within this file (the exercises memoise them), so the file trains the four
// LeNets of exercise 1 once, with the short budget of `pnpm start`.
const TRAINING = { timeout: 600_000 };

/** Parameters and multiply-adds of a conv (k x k, output ho x ho) and of a Linear layer. */
const conv = (ci: number, co: number, k: number, ho: number) => [co * (ci * k * k + 1), co * ci * k * k * ho * ho];
const linear = (i: number, o: number) => [o * (i + 1), o * i];
const total = (layers: number[][]) => [layers.reduce((s, l) => s + l[0], 0), layers.reduce((s, l) => s + l[1], 0)];

describe('lenet', () => {
  it("the book's shapes, 61,706 parameters, and a network that learns", TRAINING, async () => {
    const r = await lenetExercise.run();
    const book = [conv(1, 6, 5, 28), conv(6, 16, 5, 10), linear(400, 120), linear(120, 84), linear(84, 10)];
    expectPrintedTensors(r, {});
    expectPrintedValues(r, {
      'model/shapes': [
        'Conv2d output shape: [1, 6, 28, 28]',
        'Sigmoid output shape: [1, 6, 28, 28]',
        'AvgPool2d output shape: [1, 6, 14, 14]',
        'Conv2d output shape: [1, 16, 10, 10]',
        'Sigmoid output shape: [1, 16, 10, 10]',
        'AvgPool2d output shape: [1, 16, 5, 5]',
        'Flatten output shape: [1, 400]',
        'Linear output shape: [1, 120]',
        'Sigmoid output shape: [1, 120]',
        'Linear output shape: [1, 84]',
        'Sigmoid output shape: [1, 84]',
        'Linear output shape: [1, 10]',
      ].join('\n'),
      'costs/layers': book.flat(),
      'costs/total': total(book),
      'training/log': (v) => expect(v).toMatch(/^epoch 1, loss \d\.\d{3}, train acc 0\.\d{3}, test acc 0\.\d{3}$/),
    });
    expect(total(book)).toEqual([61706, 416520]);
    expectChecksPass(r);
  });
});

describe('lenet-modern', () => {
  it('four networks, one budget', TRAINING, async () => {
    const r = await lenetModernExercise.run();
    expectPrintedTensors(r, {});
    expectPrintedValues(r, {
      'variants/test accuracy': (v) => {
        expect(v).toHaveLength(4);
        for (const a of v as number[]) expect(a).toBeGreaterThanOrEqual(0);
      },
    });
    expectChecksPass(r);
  });
});

describe('lenet-variants', () => {
  it('sizes of every variant, by hand', async () => {
    const r = await lenetVariantsExercise.run();
    const fc = [linear(400, 120), linear(120, 84), linear(84, 10)];
    const modern = total([conv(1, 6, 5, 28), conv(6, 16, 5, 10), ...fc]);
    const sizes = [
      modern,
      total([conv(1, 6, 3, 28), conv(6, 16, 3, 12), linear(576, 120), linear(120, 84), linear(84, 10)]),
      total([conv(1, 16, 5, 28), conv(16, 32, 5, 10), linear(800, 120), linear(120, 84), linear(84, 10)]),
      total([
        conv(1, 6, 5, 28),
        conv(6, 16, 5, 14),
        conv(16, 32, 3, 5),
        linear(800, 120),
        linear(120, 84),
        linear(84, 10),
      ]),
      total([conv(1, 6, 5, 28), conv(6, 16, 5, 10), linear(400, 120), linear(120, 10)]),
      modern,
      modern,
    ];
    expectPrintedTensors(r, {});
    expectPrintedValues(r, { 'variants/sizes': sizes.flat() });
    expectChecksPass(r);
  });
});

describe('lenet-activations', () => {
  it('the maps of a 7 and of noise', TRAINING, async () => {
    const r = await lenetActivationsExercise.run();
    const { test } = trainTestSplit(loadAllDigits());
    const firstSeven = Array.from(test.labels).indexOf(7);
    const seven = Array.from(test.images.subarray(firstSeven * 784, (firstSeven + 1) * 784));
    expectPrintedTensors(r, {
      'digits/a 7': (t) => expect(Array.from(t.toTypedArray() as Float32Array)).toEqual(seven.map(Math.fround)),
      'digits/layer 1 (after ReLU) of the 7': (t) => {
        expect(t.shape).toEqual([6, 28, 28]);
        expect(t.min().item()).toBeGreaterThanOrEqual(0);
      },
      'digits/layer 2 (after ReLU) of the 7': (t) => {
        expect(t.shape).toEqual([16, 10, 10]);
        expect(t.min().item()).toBeGreaterThanOrEqual(0);
      },
      'other-images/noise': (t) => {
        expect(t.shape).toEqual([28, 28]);
        expect(t.min().item()).toBeGreaterThanOrEqual(0);
        expect(t.max().item()).toBeLessThan(1);
      },
      'other-images/layer 1 (after ReLU) of the noise': (t) => expect(t.shape).toEqual([6, 28, 28]),
    });
    expectPrintedValues(r, {
      'digits/cosine': (v) => {
        const [within, across] = v as number[];
        expect(within).toBeGreaterThan(across);
      },
      'other-images/statistics': (v) => expect(v).toHaveLength(15),
      'other-images/noise labels': (v) => expect(v).toHaveLength(20),
    });
    expectChecksPass(r);
  });
});
