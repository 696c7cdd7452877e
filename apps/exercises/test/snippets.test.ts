import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exercises } from '../src/registry.js';
import type { CodeBlock } from '../src/report.js';
import { extractSnippets, snippetsOf } from '../src/snippets.js';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

describe('snippets: the code shown is the code that ran', () => {
  it('every snippet is shown by an exercise, and every shown snippet is a region of the source', {
    timeout: 600_000,
  }, async () => {
    const all = extractSnippets();
    const shown = new Map<string, string>();
    for (const e of exercises) {
      for (const item of (await e.run()).items)
        for (const b of item.blocks) if (b.kind === 'code') shown.set((b as CodeBlock).snippet, (b as CodeBlock).code);
    }
    expect([...shown.keys()].sort()).toEqual([...all.keys()].sort());
    for (const [name, code] of shown) expect(code, name).toBe(all.get(name));
  });

  it('every snippet declares exported functions or classes that the compiled module really exports', async () => {
    const dir = join(src, 'exercises');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const mod = (await import(join(dir, file))) as Record<string, unknown>;
      for (const [name, code] of snippetsOf(readFileSync(join(dir, file), 'utf8'), file)) {
        const declared = [...code.matchAll(/^export (?:async function|function|class) (\w+)/gm)].map((m) => m[1]);
        expect(declared.length, `${file}: snippet ${name} declares nothing`).toBeGreaterThan(0);
        for (const d of declared) expect(typeof mod[d], `${file}: ${d}`).toBe('function');
      }
    }
  });

  it('the extractor dedents, drops the markers and refuses broken regions', () => {
    const text = [
      'x',
      '  // #region snippet a',
      '  export function a() {',
      '    return 1;',
      '  }',
      '  // #endregion',
      'y',
    ].join('\n');
    expect(snippetsOf(text, 'f.ts')).toEqual(new Map([['a', 'export function a() {\n  return 1;\n}']]));
    expect(() => snippetsOf('// #region snippet a\n', 'f.ts')).toThrow(/never closed/);
    expect(() => snippetsOf('// #endregion\n', 'f.ts')).toThrow(/without a snippet/);
    expect(() => snippetsOf('// #region snippet a\n// #region snippet b\n', 'f.ts')).toThrow(/inside snippet a/);
  });
});
