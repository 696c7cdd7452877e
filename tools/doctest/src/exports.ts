import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** An exported symbol whose documentation is missing something. */
export interface UndocumentedExport {
  readonly name: string;
  /** Where it is declared, `file:line` relative to the root. */
  readonly where: string;
  readonly missing: 'TSDoc comment' | '@example with a ```ts block';
}

function docCommentsOf(decl: ts.Declaration): string[] {
  // A variable's comment sits on its statement; an export specifier's target is resolved earlier.
  let node: ts.Node = decl;
  if (ts.isVariableDeclaration(node) && node.parent && ts.isVariableDeclarationList(node.parent))
    node = node.parent.parent;
  const sf = node.getSourceFile();
  const text = sf.text;
  return (ts.getLeadingCommentRanges(text, node.pos) ?? [])
    .filter((r) => text.startsWith('/**', r.pos))
    .map((r) => text.slice(r.pos, r.end));
}

/**
 * Checks every export of each `index.ts` (following re-exports to the declarations) has a
 * TSDoc comment containing an `@example` with a ```ts block. Returns one entry per problem.
 */
export function findUndocumentedExports(program: ts.Program, entryFile: string, root: string): UndocumentedExport[] {
  if (!existsSync(entryFile)) throw new Error(`${relative(root, entryFile)} does not exist`);
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(entryFile);
  const moduleSymbol = sf && checker.getSymbolAtLocation(sf);
  if (!moduleSymbol)
    throw new Error(`${relative(root, entryFile)} is not a module in the program (is it one of its root files?)`);
  const out: UndocumentedExport[] = [];
  for (const exp of checker.getExportsOfModule(moduleSymbol)) {
    const target = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    const decls = target.declarations ?? [];
    const first = decls[0];
    const where = first
      ? `${relative(root, first.getSourceFile().fileName)}:${first.getSourceFile().getLineAndCharacterOfPosition(first.getStart()).line + 1}`
      : relative(root, entryFile);
    const comments = decls.flatMap(docCommentsOf);
    if (comments.length === 0) out.push({ name: exp.name, where, missing: 'TSDoc comment' });
    else if (!comments.some((c) => /@example\b[\s\S]*?(```|~~~)\s*(ts|typescript)\b/.test(c))) {
      out.push({ name: exp.name, where, missing: '@example with a ```ts block' });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The compiler options of `tsconfig.base.json` (with the `@torchlet/source` condition), for checking without emitting. */
export function loadCompilerOptions(root: string, baseDir: string): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.base.json');
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const overrides = { noEmit: true, declaration: false, declarationMap: false, sourceMap: false };
  return ts.parseJsonConfigFileContent(read.config, ts.sys, baseDir, overrides, configPath).options;
}
