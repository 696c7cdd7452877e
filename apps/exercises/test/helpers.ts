import type { NestedArray, Tensor } from '@torchlet/tensor';
import { expect } from 'vitest';
import type { ExerciseResult, TensorBlock, ValueBlock } from '../src/report.js';

/** An expectation for one printed tensor: its exact values, or a function that asserts on it. */
export type TensorExpectation = NestedArray | ((t: Tensor) => void);
/** An expectation for one printed value: the exact value, or a function that asserts on it. */
export type ValueExpectation = ValueBlock['value'] | ((v: ValueBlock['value']) => void);

/** `item/name` of every printed tensor of a result, in order. */
export function printedTensorKeys(result: ExerciseResult): string[] {
  return result.items.flatMap((i) =>
    i.blocks.filter((b): b is TensorBlock => b.kind === 'tensor').map((b) => `${i.key}/${b.name}`),
  );
}

/**
 * Asserts every tensor a result prints: the expectation keys must be exactly the printed tensors
 * (so a newly printed tensor fails until a test covers it), and each must meet its expectation.
 */
export function expectPrintedTensors(result: ExerciseResult, expected: Record<string, TensorExpectation>): void {
  expect(printedTensorKeys(result).sort()).toEqual(Object.keys(expected).sort());
  for (const item of result.items) {
    for (const b of item.blocks) {
      if (b.kind !== 'tensor') continue;
      const e = expected[`${item.key}/${b.name}`];
      if (typeof e === 'function') e(b.tensor);
      else expect(b.tensor.toArray(), `${item.key}/${b.name}`).toEqual(e);
    }
  }
}

/** As {@link expectPrintedTensors}, for the value blocks. */
export function expectPrintedValues(result: ExerciseResult, expected: Record<string, ValueExpectation>): void {
  const keys = result.items.flatMap((i) =>
    i.blocks.filter((b): b is ValueBlock => b.kind === 'value').map((b) => `${i.key}/${b.name}`),
  );
  expect(keys.sort()).toEqual(Object.keys(expected).sort());
  for (const item of result.items) {
    for (const b of item.blocks) {
      if (b.kind !== 'value') continue;
      const e = expected[`${item.key}/${b.name}`];
      if (typeof e === 'function') e(b.value);
      else expect(b.value, `${item.key}/${b.name}`).toEqual(e);
    }
  }
}

/** Every check of the result passed. */
export function expectChecksPass(result: ExerciseResult): void {
  const failed = result.items.flatMap((i) =>
    i.blocks.filter((b) => b.kind === 'check' && !b.pass).map((b) => `${i.key}: ${(b as { label: string }).label}`),
  );
  expect(failed).toEqual([]);
}

/** Flat float64 copy of a tensor's values. */
export function values(t: Tensor): number[] {
  return Array.from(t.toTypedArray() as ArrayLike<number>);
}

/** Asserts every element of `t` equals `v`. */
export function allEqual(v: number): (t: Tensor) => void {
  return (t) => expect(new Set(values(t))).toEqual(new Set([v]));
}

/** Naive float64 valid cross-correlation of nested arrays (the test's own reference). */
export function naiveCorr2d(X: number[][], K: number[][]): number[][] {
  const h = K.length;
  const w = K[0].length;
  const out: number[][] = [];
  for (let i = 0; i + h <= X.length; i++) {
    const row: number[] = [];
    for (let j = 0; j + w <= X[0].length; j++) {
      let s = 0;
      for (let a = 0; a < h; a++) for (let b = 0; b < w; b++) s += X[i + a][j + b] * K[a][b];
      row.push(s);
    }
    out.push(row);
  }
  return out;
}

/** Asserts nested numbers are close (absolute tolerance). */
export function expectClose(actual: NestedArray, expected: NestedArray, atol = 1e-6): void {
  const a = flatten(actual);
  const e = flatten(expected);
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => void expect(Math.abs(v - e[i]), `element ${i}: ${v} vs ${e[i]}`).toBeLessThanOrEqual(atol));
}

/** The numbers of a nested array, depth first. */
export function flatten(x: NestedArray): number[] {
  if (Array.isArray(x)) return (x as readonly NestedArray[]).flatMap(flatten);
  return [Number(x)];
}
