import ts from 'typescript';

/** The global through which transformed snippets report their `// -> value` checks. */
export const RUNTIME_GLOBAL = '__torchletDoctest';

/** A `// -> X` result comment attached to a statement. */
export interface ResultCheck {
  /** 1-based line in the snippet. */
  readonly line: number;
  /** The checked expression's source text (or the variable's name). */
  readonly actual: string;
  /** The expected value's source text (a JS literal). */
  readonly expected: string;
}

/** A snippet rewritten so each `// -> X` is checked, keeping every line where it was. */
export interface Transformed {
  readonly code: string;
  readonly checks: readonly ResultCheck[];
  /** Malformed result comments (dangling, unattachable, or not a JS expression). */
  readonly problems: readonly string[];
}

const RESULT_RE = /^\/\/\s*->\s?(.*)$/;

/** Whether `source` parses as exactly one JS/TS expression (a trailing `//` comment makes it not). */
function isExpression(source: string): boolean {
  if (source.trim() === '') return false;
  const sf = ts.createSourceFile('x.ts', `(${source});`, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const diags = (sf as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  if (diags.length > 0) return false;
  const st = sf.statements;
  return st.length === 1 && ts.isExpressionStatement(st[0]) && ts.isParenthesizedExpression(st[0].expression);
}

/**
 * Rewrites a snippet: `expr; // -> X` (or `// -> X` alone on the next line) becomes `__dt.check(expr, X, meta);` and
 * `const y = expr; // -> X` gets `__dt.check(y, X, meta);` appended on the same line, so stack
 * traces keep the snippet's line numbers. Every `// ->` comment must be consumed.
 */
export function transformSnippet(code: string): Transformed {
  const sf = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lineOf = (pos: number): number => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const edits: { start: number; end: number; text: string }[] = [];
  const checks: ResultCheck[] = [];
  const problems: string[] = [];
  const consumed = new Set<number>();
  const all = new Map<number, string>();

  // The result comment of a statement: on the same line after it, or alone on the next line
  // (doctest style, for long results).
  const resultComment = (node: ts.Node): { pos: number; expected: string } | undefined => {
    const trailing = ts.getTrailingCommentRanges(code, node.end) ?? [];
    for (const r of trailing) {
      const m = RESULT_RE.exec(code.slice(r.pos, r.end));
      if (m) return { pos: r.pos, expected: m[1].trim() };
    }
    if (trailing.length > 0) return undefined;
    const next = (ts.getLeadingCommentRanges(code, node.end) ?? [])[0];
    if (next && /^[ \t]*\r?\n[ \t]*$/.test(code.slice(node.end, next.pos))) {
      const m = RESULT_RE.exec(code.slice(next.pos, next.end));
      if (m) return { pos: next.pos, expected: m[1].trim() };
    }
    return undefined;
  };
  const meta = (line: number, actual: string, expected: string): string => JSON.stringify({ line, actual, expected });

  const visit = (node: ts.Node): void => {
    for (const r of [
      ...(ts.getLeadingCommentRanges(code, node.pos) ?? []),
      ...(ts.getTrailingCommentRanges(code, node.end) ?? []),
    ]) {
      const m = RESULT_RE.exec(code.slice(r.pos, r.end));
      if (m) all.set(r.pos, m[1].trim());
    }
    if (ts.isExpressionStatement(node) || ts.isVariableStatement(node)) {
      const rc = resultComment(node);
      if (rc) {
        consumed.add(rc.pos);
        const line = lineOf(rc.pos);
        if (!isExpression(rc.expected)) {
          problems.push(`line ${line}: the result comment '// -> ${rc.expected}' is not a JS expression`);
        } else if (ts.isExpressionStatement(node)) {
          const exprText = node.expression.getText(sf);
          checks.push({ line, actual: exprText, expected: rc.expected });
          edits.push({
            start: node.getStart(sf),
            end: node.end,
            text: `${RUNTIME_GLOBAL}.check((${exprText}), () => (${rc.expected}), ${meta(line, exprText, rc.expected)});`,
          });
        } else {
          const decls = node.declarationList.declarations;
          const last = decls[decls.length - 1];
          if (!last || !ts.isIdentifier(last.name)) {
            problems.push(
              `line ${line}: '// -> ${rc.expected}' follows a declaration without a single variable name to check`,
            );
          } else {
            const name = last.name.text;
            checks.push({ line, actual: name, expected: rc.expected });
            edits.push({
              start: node.end,
              end: node.end,
              text: ` ${RUNTIME_GLOBAL}.check(${name}, () => (${rc.expected}), ${meta(line, name, rc.expected)});`,
            });
          }
        }
      }
    }
    for (const c of node.getChildren(sf)) visit(c);
  };
  visit(sf);
  for (const [pos, expected] of all) {
    if (!consumed.has(pos)) {
      problems.push(
        `line ${lineOf(pos)}: the result comment '// -> ${expected}' does not follow an expression statement or a variable declaration (on the same line or the line before)`,
      );
    }
  }
  let out = code;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  // Declared on line 1 without a newline so every line keeps its number (imports hoist anyway).
  out = `const ${RUNTIME_GLOBAL} = Reflect.get(globalThis, '${RUNTIME_GLOBAL}'); ${out}\nexport {};\n`;
  return { code: out, checks, problems };
}
