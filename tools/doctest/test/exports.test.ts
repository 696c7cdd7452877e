// Every symbol exported by a package's index.ts has a TSDoc comment with an @example (the
// examples themselves are run by examples.test.ts). One test per package, listing all gaps.
import { join, relative } from 'node:path';
import ts from 'typescript';
import { expect, test } from 'vitest';
import { DOCTEST_DIR, findUndocumentedExports, loadCompilerOptions, packageDirs, REPO_ROOT } from '../src/index.ts';

const entries = packageDirs(REPO_ROOT).map((d) => join(d, 'src', 'index.ts'));
let program: ts.Program | undefined;
const getProgram = (): ts.Program =>
  (program ??= ts.createProgram({ rootNames: entries, options: loadCompilerOptions(REPO_ROOT, DOCTEST_DIR) }));

test('every public package is checked', () => {
  expect(entries.map((e) => relative(REPO_ROOT, e))).toEqual([
    'packages/autograd/src/index.ts',
    'packages/kernels/src/index.ts',
    'packages/nn/src/index.ts',
    'packages/onnx/src/index.ts',
    'packages/ops/src/index.ts',
    'packages/tensor/src/index.ts',
    'packages/vision/src/index.ts',
    'packages/webgpu/src/index.ts',
  ]);
});

for (const entry of entries) {
  test(`every export of ${relative(REPO_ROOT, entry)} has TSDoc with an @example`, () => {
    const missing = findUndocumentedExports(getProgram(), entry, REPO_ROOT);
    const lines = missing.map((m) => `  ${m.name} (${m.where}): missing ${m.missing}`);
    expect(lines, `${missing.length} exports are not documented:\n${lines.join('\n')}`).toEqual([]);
  });
}
