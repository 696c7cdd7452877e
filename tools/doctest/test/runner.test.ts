// The doc-test runner on fixtures of its own: a passing example, a failing `// ->`, a type error,
// a throw, malformed result comments, a missing fence, class members and a Markdown guide.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  DOCTEST_DIR,
  DoctestSession,
  deepEqual,
  type Example,
  extractMarkdownExamples,
  extractTsExamples,
  isRunnableFence,
  REPO_ROOT,
  transformSnippet,
} from '../src/index.ts';

const sampleFile = join(DOCTEST_DIR, 'test/fixtures/sample.ts');
const guideFile = join(DOCTEST_DIR, 'test/fixtures/guide.md');
const sampleLines = readFileSync(sampleFile, 'utf8').split('\n');
const guideLines = readFileSync(guideFile, 'utf8').split('\n');
/** 1-based line of the first fixture line containing `text`. */
const lineOf = (lines: string[], text: string): number => {
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`fixture has no line with ${text}`);
  return i + 1;
};

const tsExamples = extractTsExamples(sampleFile, REPO_ROOT);
const mdExamples = extractMarkdownExamples(guideFile, REPO_ROOT);
const session = new DoctestSession([...tsExamples, ...mdExamples]);
afterAll(() => session.dispose());
const byName = (symbol: string): Example => {
  const ex = [...tsExamples, ...mdExamples].find((e) => e.symbol === symbol);
  if (!ex) throw new Error(`no example ${symbol}`);
  return ex;
};
const at = (text: string): string => `tools/doctest/test/fixtures/sample.ts:${lineOf(sampleLines, text)}`;

describe('extraction', () => {
  test('finds every @example of the TSDoc comments, named by symbol, and nothing inside strings', () => {
    expect(tsExamples.map((e) => e.symbol)).toEqual([
      'passing',
      'wrongResult',
      'typeError',
      'throwing',
      'malformed',
      'noFence',
      'Box.method',
      'Box.method #2',
    ]);
    expect(tsExamples.every((e) => e.file === 'tools/doctest/test/fixtures/sample.ts')).toBe(true);
  });

  test('records the documentation line of the first code line and strips the comment stars', () => {
    const ex = byName('passing');
    expect(ex.line).toBe(lineOf(sampleLines, "import { tensor, zeros } from '@torchlet/tensor';"));
    expect(ex.code.split('\n')[0]).toBe("import { tensor, zeros } from '@torchlet/tensor';");
    expect(ex.code.split('\n')).toHaveLength(13);
  });

  test('an @example without a ```ts block is reported, not ignored', () => {
    expect(byName('noFence').problem).toMatch(/has no ```ts code block/);
  });

  test('collects only ```ts run fences of guides, named by their heading', () => {
    expect(mdExamples.map((e) => e.symbol)).toEqual([
      `Runnable (line ${lineOf(guideLines, "import { zeros } from '@torchlet/tensor';")})`,
      `With highlighting (line ${lineOf(guideLines, "const s = 'doc';")})`,
    ]);
    expect(isRunnableFence('ts run')).toBe(true);
    expect(isRunnableFence('typescript:line-numbers run {1}')).toBe(true);
    expect(isRunnableFence('ts')).toBe(false);
    expect(isRunnableFence('js run')).toBe(false);
    expect(isRunnableFence('ts running')).toBe(false);
  });
});

describe('running', () => {
  test('a passing example has no errors and counts its checks', async () => {
    const r = await session.check(byName('passing'));
    expect(r.errors).toEqual([]);
    expect(r.passed).toBe(8);
  });

  test('a wrong `// ->` fails with the documentation line, expected and actual; other checks still run', async () => {
    const r = await session.check(byName('wrongResult'));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toContain(`${at('xs.map((v) => v * 2)')}: xs.map((v) => v * 2)`);
    expect(r.errors[0]).toMatch(/expected: \[ 2, 4, 7 \][\s\S]*actual: {3}\[ 2, 4, 6 \]/);
    expect(r.passed).toBe(2);
  });

  test('a type error fails even though the snippet runs', async () => {
    const r = await session.check(byName('typeError'));
    expect(r.passed).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(
      new RegExp(`^${at("const n: number = 'three';")}: TS2322: Type 'string' is not assignable to type 'number'`),
    );
  });

  test('a throwing snippet fails at the line that threw', async () => {
    const r = await session.check(byName('throwing'));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(new RegExp(`^${at("JSON.parse('{');")}: the snippet threw SyntaxError`));
  });

  test('dangling and non-expression result comments are errors', async () => {
    const r = await session.check(byName('malformed'));
    expect(r.errors).toEqual([
      "tools/doctest/test/fixtures/sample.ts: snippet line 4: the result comment '// -> 1 2' is not a JS expression",
      "tools/doctest/test/fixtures/sample.ts: snippet line 3: the result comment '// -> 1' does not follow an expression statement or a variable declaration (on the same line or the line before)",
    ]);
  });

  test('a missing fence fails, class members and guide blocks pass', async () => {
    expect((await session.check(byName('noFence'))).errors).toHaveLength(1);
    for (const ex of [byName('Box.method'), byName('Box.method #2'), ...mdExamples]) {
      const r = await session.check(ex);
      expect(r.errors, ex.symbol).toEqual([]);
      expect(r.passed, ex.symbol).toBe(1);
    }
  });
});

describe('transform and comparison', () => {
  test('the transform keeps every line where it was', () => {
    const code = 'const a = [1,\n 2]; // -> [1, 2]\nf(\n  a,\n); // -> 3\n';
    const t = transformSnippet(code);
    // `export {}` goes on its own line after the code; nothing else moves.
    expect(t.code.split('\n')).toHaveLength(code.split('\n').length + 2);
    expect(
      t.code
        .split('\n')
        .slice(0, 5)
        .map((l) => l.includes('check(')),
    ).toEqual([false, true, true, false, false]);
    expect(t.code.split('\n')[4]).toMatch(/^\)\), \(\) => \(3\), .*\/\/ -> 3$/);
    expect(t.checks).toEqual([
      { line: 2, actual: 'a', expected: '[1, 2]' },
      { line: 5, actual: 'f(\n  a,\n)', expected: '3' },
    ]);
    expect(t.problems).toEqual([]);
  });

  test('a trailing comment after the expected value is rejected', () => {
    expect(transformSnippet('1; // -> 1 // note').problems).toHaveLength(1);
  });

  test('deepEqual: exact strings, NaN, signed zero, typed arrays and key order', () => {
    expect(deepEqual('a', 'a')).toBe(true);
    expect(deepEqual('a', 'a ')).toBe(false);
    expect(deepEqual(Number.NaN, Number.NaN)).toBe(true);
    expect(deepEqual(-0, 0)).toBe(true);
    expect(deepEqual(0.1 + 0.2, 0.3)).toBe(false);
    expect(deepEqual([1, [2, 3]], [1, [2, 3]])).toBe(true);
    expect(deepEqual([1, [2, 3]], [1, [2, 3, 4]])).toBe(false);
    expect(deepEqual(new Float32Array([1, 2]), new Float32Array([1, 2]))).toBe(true);
    expect(deepEqual(new Float32Array([1, 2]), new Float64Array([1, 2]))).toBe(false);
    expect(deepEqual(new Float32Array([1, 2]), [1, 2])).toBe(false);
    expect(deepEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual(null, undefined)).toBe(false);
    expect(deepEqual(1, '1')).toBe(false);
  });
});
