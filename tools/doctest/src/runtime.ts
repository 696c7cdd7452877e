import { inspect } from 'node:util';
import { RUNTIME_GLOBAL } from './transform.js';

/**
 * Deep equality for result comments: numbers by `===` (so `0` equals `-0`) or both NaN; strings,
 * booleans, null and undefined exactly; arrays and typed arrays element by element with the same
 * length (and the same typed-array class); plain objects by their own enumerable keys.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) return false;
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!deepEqual(x[i], y[i])) return false;
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Map || a instanceof Set || a instanceof Date || a instanceof RegExp) {
    return inspect(a, { depth: Infinity }) === inspect(b, { depth: Infinity });
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k) || !deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
      return false;
  }
  return true;
}

/** How a value is shown in a failure message. */
export function show(v: unknown): string {
  return inspect(v, { depth: 8, maxArrayLength: 64, breakLength: 100, compact: 3 });
}

/** What a snippet reported while running. */
export interface CheckReport {
  readonly passed: number;
  readonly failures: string[];
}

interface CheckMeta {
  readonly line: number;
  readonly actual: string;
  readonly expected: string;
}

/**
 * Installs the global the transformed snippets call, recording each check; `lineToSource` maps
 * a snippet line to a `file:line` in the documentation for the messages.
 */
export function installRecorder(lineToSource: (line: number) => string): CheckReport {
  const report = { passed: 0, failures: [] as string[] };
  const check = (actual: unknown, expected: () => unknown, meta: CheckMeta): void => {
    let want: unknown;
    try {
      want = expected();
    } catch (e) {
      report.failures.push(
        `${lineToSource(meta.line)}: evaluating the expected value '${meta.expected}' threw: ${String(e)}`,
      );
      return;
    }
    if (deepEqual(actual, want)) {
      report.passed++;
      return;
    }
    const hint = /^console\.\w+\(/.test(meta.actual)
      ? '\n    (a result comment checks the value of the expression before it, and console.log returns undefined)'
      : '';
    report.failures.push(
      `${lineToSource(meta.line)}: ${meta.actual}\n    expected: ${show(want)}   (// -> ${meta.expected})\n    actual:   ${show(actual)}${hint}`,
    );
  };
  Reflect.set(globalThis, RUNTIME_GLOBAL, { check });
  return report;
}

/** Removes the global installed by {@link installRecorder}. */
export function uninstallRecorder(): void {
  Reflect.deleteProperty(globalThis, RUNTIME_GLOBAL);
}
