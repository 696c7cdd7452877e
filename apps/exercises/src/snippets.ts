import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The app prints the TypeScript that ran: each exercise's code lives between
// `// #region snippet <name>` and `// #endregion` in src/exercises/*.ts, and the text shown is read
// from those source files when the app runs (from src/ or from dist/, both sit beside src/), so
// there is no generated copy to fall out of step.

const START = /^\s*\/\/ #region snippet ([a-z0-9-]+)\s*$/;
const END = /^\s*\/\/ #endregion\s*$/;

/** The snippets of one source file: name -> code (dedented, no marker lines). */
export function snippetsOf(source: string, file: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | null = null;
  let lines: string[] = [];
  source.split(/\r?\n/).forEach((line, i) => {
    const start = START.exec(line);
    if (start) {
      if (name !== null) throw new Error(`${file}:${i + 1}: snippet ${start[1]} starts inside snippet ${name}`);
      name = start[1];
      lines = [];
    } else if (END.test(line)) {
      if (name === null) throw new Error(`${file}:${i + 1}: #endregion without a snippet`);
      if (out.has(name)) throw new Error(`${file}: snippet ${name} defined twice`);
      out.set(name, dedent(lines));
      name = null;
    } else if (name !== null) {
      lines.push(line);
    }
  });
  if (name !== null) throw new Error(`${file}: snippet ${name} is never closed`);
  return out;
}

function dedent(lines: string[]): string {
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  const indents = lines.filter((l) => l.trim() !== '').map((l) => (/^ */.exec(l) as RegExpExecArray)[0].length);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((l) => l.slice(cut).trimEnd()).join('\n');
}

/** The folder holding the exercises' TypeScript sources. */
export const exercisesSourceDir = fileURLToPath(new URL('../src/exercises/', import.meta.url));

/** Every snippet of `dir` (default: the exercises' sources), in file then source order. */
export function extractSnippets(dir: string = exercisesSourceDir): Map<string, string> {
  const all = new Map<string, string>();
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort()) {
    for (const [name, code] of snippetsOf(readFileSync(`${dir}/${f}`, 'utf8'), f)) {
      if (all.has(name)) throw new Error(`snippet ${name} is defined in two files (second: ${f})`);
      all.set(name, code);
    }
  }
  return all;
}

let cache: Map<string, string> | null = null;

/** The source text of snippet `name`, read once from the exercises' sources. */
export function snippetSource(name: string): string | undefined {
  cache ??= extractSnippets();
  return cache.get(name);
}
