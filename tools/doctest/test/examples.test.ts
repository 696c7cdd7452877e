// The doc-test of the repository: every TSDoc @example of packages/*/src and every ```ts run block
// of the guides is type-checked and run, and its `// -> value` comments compared. One test each.
import { afterAll, expect, test } from 'vitest';
import { collectRepoExamples, DoctestSession, type Example, REPO_ROOT } from '../src/index.ts';

const examples = collectRepoExamples(REPO_ROOT);
const session = new DoctestSession(examples);
afterAll(() => session.dispose());

function numbered(ex: Example): string {
  return ex.code
    .split('\n')
    .map((l, i) => `${String(ex.line + i).padStart(5)} | ${l}`)
    .join('\n');
}

test('the repository has TSDoc examples and runnable guide blocks', () => {
  expect(examples.filter((e) => e.file.startsWith('packages/')).length).toBeGreaterThan(0);
  expect(examples.filter((e) => e.file.endsWith('.md')).length).toBeGreaterThan(0);
});

for (const ex of examples) {
  test(`${ex.file} ${ex.symbol}`, async () => {
    const result = await session.check(ex);
    if (result.errors.length > 0) {
      throw new Error(`${result.errors.join('\n')}\n\n${ex.file}:\n${numbered(ex)}`);
    }
  });
}
