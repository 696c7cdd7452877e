import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/** One runnable snippet found in a TSDoc `@example` or a guide's ```ts run fence. */
export interface Example {
  /** Stable id, usable as a file name. */
  readonly id: string;
  /** Where it was found, relative to the repository root with `/` separators. */
  readonly file: string;
  /** The documented symbol (`conv2d`, `Tensor.reshape`) or the guide's heading. */
  readonly symbol: string;
  /** 1-based line in `file` of the snippet's first code line. */
  readonly line: number;
  /** The snippet's code, without the fence. */
  readonly code: string;
  /** Set when the example is malformed (e.g. an `@example` with no ```ts block). */
  readonly problem?: string;
}

const TS_LANGS = new Set(['ts', 'typescript']);

/** Lists files under `dir` (recursively) accepted by `keep`, skipping node_modules and dot folders. */
export function listFiles(dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (keep(p)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const toPosix = (p: string): string => p.split(sep).join('/');

function slug(s: string): string {
  return s
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 80);
}

/** A fence found in a block of lines: its info string, first code line index and code. */
interface Fence {
  readonly info: string;
  readonly lang: string;
  readonly words: readonly string[];
  readonly firstLine: number; // index in the given lines of the first code line
  readonly code: string;
}

/** Finds ``` / ~~~ fences in `lines` (CommonMark-style: closing fence uses the same char, at least as long). */
function findFences(lines: readonly string[]): { fences: Fence[]; unclosed: number | null } {
  const fences: Fence[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]);
    if (!open) {
      i++;
      continue;
    }
    const indent = open[1].length;
    const marker = open[2];
    const info = open[3].trim();
    const body: string[] = [];
    let j = i + 1;
    let closed = false;
    for (; j < lines.length; j++) {
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (close && close[1][0] === marker[0] && close[1].length >= marker.length) {
        closed = true;
        break;
      }
      // Remove the fence's own indentation (as CommonMark does) so the code starts at column 0.
      const line = lines[j];
      let k = 0;
      while (k < indent && line[k] === ' ') k++;
      body.push(line.slice(k));
    }
    if (!closed) return { fences, unclosed: i };
    // Info strings look like `ts`, `ts run`, `ts run {2,3}`, `ts:line-numbers run`.
    const words = info.split(/[\s:{]+/).filter(Boolean);
    fences.push({ info, lang: (words[0] ?? '').toLowerCase(), words, firstLine: i + 1, code: body.join('\n') });
    i = j + 1;
  }
  return { fences, unclosed: null };
}

/** The text of a `/** ... *\/` comment as lines, with the leading ` * ` of each line removed. */
function commentLines(comment: string): string[] {
  const inner = comment.replace(/^\/\*\*/, '').replace(/\*\/$/, '');
  return inner.split('\n').map((l) => l.replace(/^\s*\* ?/, '').replace(/\s+$/, ''));
}

/** Names every declaration carrying a JSDoc comment, keyed by the comment's start position. */
function namedComments(sf: ts.SourceFile): Map<number, string> {
  const names = new Map<number, string>();
  const text = sf.text;
  const nameOf = (node: ts.Node): string | undefined => {
    if (ts.isVariableStatement(node)) {
      const d = node.declarationList.declarations[0];
      return d && ts.isIdentifier(d.name) ? d.name.text : undefined;
    }
    if (ts.isConstructorDeclaration(node)) return 'constructor';
    const n = (node as { name?: ts.Node }).name;
    if (!n) return ts.isClassDeclaration(node) || ts.isFunctionDeclaration(node) ? 'default' : undefined;
    if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n))
      return n.text;
    if (ts.isComputedPropertyName(n)) return `[${n.expression.getText(sf)}]`;
    return undefined;
  };
  const visit = (node: ts.Node, owner: string | undefined): void => {
    const name = nameOf(node);
    if (name !== undefined && !ts.isSourceFile(node)) {
      const full = owner ? `${owner}.${name}` : name;
      for (const r of ts.getLeadingCommentRanges(text, node.pos) ?? []) {
        if (text.startsWith('/**', r.pos)) names.set(r.pos, full);
      }
    }
    const nextOwner =
      ts.isClassLike(node) || ts.isInterfaceDeclaration(node) || ts.isModuleDeclaration(node) ? (name ?? owner) : owner;
    ts.forEachChild(node, (c) => visit(c, nextOwner));
  };
  visit(sf, undefined);
  return names;
}

/**
 * Every ```ts block inside an `@example` tag of the TSDoc comments of `file`. Comments are taken
 * from before every token (so none is missed) and named from the declaration that follows them.
 */
export function extractTsExamples(file: string, root: string): Example[] {
  const text = readFileSync(file, 'utf8');
  const rel = toPosix(relative(root, file));
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const names = namedComments(sf);
  const out: Example[] = [];
  const used = new Map<string, number>();
  // Every comment precedes some token, so the leading comments of all tokens are all comments
  // (and `/**` inside a string or template is never mistaken for one).
  const comments = new Map<number, string>();
  const collect = (node: ts.Node): void => {
    for (const r of ts.getLeadingCommentRanges(text, node.pos) ?? []) {
      if (r.kind === ts.SyntaxKind.MultiLineCommentTrivia) comments.set(r.pos, text.slice(r.pos, r.end));
    }
    for (const c of node.getChildren(sf))
      if (c.kind < ts.SyntaxKind.FirstJSDocNode || c.kind > ts.SyntaxKind.LastJSDocNode) collect(c);
  };
  collect(sf);
  for (const [pos, comment] of [...comments].sort((a, b) => a[0] - b[0])) {
    if (!comment.startsWith('/**') || !/@example\b/.test(comment)) continue;
    const startLine = sf.getLineAndCharacterOfPosition(pos).line; // 0-based line of `/**`
    const lines = commentLines(comment);
    const baseName = names.get(pos) ?? `(comment at line ${startLine + 1})`;
    // Split into tag sections; a line starting with `@tag` outside a fence starts a new section.
    let inFence = false;
    let section: { tag: string; from: number } | null = null;
    const sections: { tag: string; from: number; to: number }[] = [];
    lines.forEach((l, i) => {
      if (/^\s*(`{3,}|~{3,})/.test(l)) inFence = !inFence;
      const m = !inFence && /^@(\w+)/.exec(l);
      if (m) {
        if (section) sections.push({ ...section, to: i });
        section = { tag: m[1], from: i };
      }
    });
    if (section) sections.push({ ...(section as { tag: string; from: number }), to: lines.length });
    for (const s of sections.filter((x) => x.tag === 'example')) {
      const body = lines.slice(s.from, s.to);
      body[0] = body[0].replace(/^@example\b\s*/, '');
      const { fences, unclosed } = findFences(body);
      const tsFences = fences.filter((f) => TS_LANGS.has(f.lang));
      const n = (used.get(baseName) ?? 0) + 1;
      used.set(baseName, n);
      const symbol = n === 1 ? baseName : `${baseName} #${n}`;
      const mk = (code: string, line: number, problem?: string, part = ''): Example => ({
        id: `${slug(rel)}__${slug(symbol)}${part}_${line}`,
        file: rel,
        symbol: symbol + part,
        line,
        code,
        ...(problem ? { problem } : {}),
      });
      const exampleLine = startLine + s.from + 1; // 1-based line of the @example tag
      if (unclosed !== null) {
        out.push(mk('', exampleLine, `unclosed code fence in the @example at ${rel}:${exampleLine}`));
      } else if (tsFences.length === 0) {
        out.push(mk('', exampleLine, `the @example at ${rel}:${exampleLine} has no \`\`\`ts code block`));
      } else {
        tsFences.forEach((f, k) => {
          out.push(
            mk(f.code, startLine + s.from + f.firstLine + 1, undefined, tsFences.length > 1 ? ` (block ${k + 1})` : ''),
          );
        });
      }
    }
  }
  return out;
}

/** Whether a fence info string marks a runnable TypeScript block: ```ts run. */
export function isRunnableFence(info: string): boolean {
  const words = info.split(/[\s:{]+/).filter(Boolean);
  return TS_LANGS.has((words[0] ?? '').toLowerCase()) && words.slice(1).includes('run');
}

/** Every ```ts run block of a Markdown guide, named by the nearest heading above it. */
export function extractMarkdownExamples(file: string, root: string): Example[] {
  const text = readFileSync(file, 'utf8');
  const rel = toPosix(relative(root, file));
  const lines = text.split('\n');
  const { fences, unclosed } = findFences(lines);
  const out: Example[] = [];
  const headingAt = (idx: number): string => {
    let inFence = false;
    let heading = '';
    for (let i = 0; i < idx; i++) {
      if (/^\s*(`{3,}|~{3,})/.test(lines[i])) inFence = !inFence;
      const m = !inFence && /^#{1,6}\s+(.*)$/.exec(lines[i]);
      if (m) heading = m[1].replace(/\s*\{#[^}]*\}\s*$/, '').trim();
    }
    return heading || '(top)';
  };
  for (const f of fences) {
    if (!isRunnableFence(f.info)) continue;
    const line = f.firstLine + 1;
    const symbol = `${headingAt(f.firstLine)} (line ${line})`;
    out.push({ id: `${slug(rel)}__${line}`, file: rel, symbol, line, code: f.code });
  }
  if (unclosed !== null) {
    out.push({
      id: `${slug(rel)}__unclosed`,
      file: rel,
      symbol: 'unclosed fence',
      line: unclosed + 1,
      code: '',
      problem: `unclosed code fence at ${rel}:${unclosed + 1}`,
    });
  }
  return out;
}
