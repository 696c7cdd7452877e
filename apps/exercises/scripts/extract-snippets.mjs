// Builds src/snippets.generated.json: the source text of every `// #region snippet <name>` ...
// `// #endregion` block in src/exercises/*.ts, so the app prints the TypeScript that actually ran
// (the code inside a region is the function the exercise calls). Run by `build` and `start`;
// test/snippets.test.ts fails when the generated file is stale.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const START = /^\s*\/\/ #region snippet ([a-z0-9-]+)\s*$/;
const END = /^\s*\/\/ #endregion\s*$/;

/**
 * The snippets of one source file: name -> code (dedented, no marker lines).
 * @param {string} source
 * @param {string} file
 * @returns {Map<string, string>}
 */
export function snippetsOf(source, file) {
  const out = new Map();
  let name = null;
  let lines = [];
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

/** @param {string[]} lines */
function dedent(lines) {
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)[0].length);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((l) => l.slice(cut).trimEnd()).join('\n');
}

/**
 * Every snippet under `srcDir/exercises`, in file then source order.
 * @param {string} srcDir
 * @returns {Map<string, string>}
 */
export function extractSnippets(srcDir) {
  const dir = join(srcDir, 'exercises');
  const all = new Map();
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort()) {
    for (const [name, code] of snippetsOf(readFileSync(join(dir, f), 'utf8'), f)) {
      if (all.has(name)) throw new Error(`snippet ${name} is defined in two files (second: ${f})`);
      all.set(name, code);
    }
  }
  return all;
}

/**
 * The text of src/snippets.generated.json for these snippets (formatted as biome formats JSON).
 * @param {Map<string, string>} snippets
 */
export function renderSnippetsJson(snippets) {
  return `${JSON.stringify(Object.fromEntries(snippets), null, 2)}\n`;
}

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const srcDir = join(here, '..', 'src');
  const target = join(srcDir, 'snippets.generated.json');
  const text = renderSnippetsJson(extractSnippets(srcDir));
  let old = '';
  try {
    old = readFileSync(target, 'utf8');
  } catch {}
  if (old !== text) writeFileSync(target, text);
}
