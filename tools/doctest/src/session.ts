import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { loadCompilerOptions } from './exports.js';
import type { Example } from './extract.js';
import { installRecorder, uninstallRecorder } from './runtime.js';
import { type Transformed, transformSnippet } from './transform.js';

/** The doctest package folder; snippets are written below it so they resolve `@torchlet/*` by name. */
export const DOCTEST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root. */
export const REPO_ROOT = resolve(DOCTEST_DIR, '../..');

/** Deletes snippet folders left by doc-test processes that no longer run (killed mid-run). */
function removeStaleSnippetDirs(): void {
  const root = join(DOCTEST_DIR, '.snippets');
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    const pid = Number(name.split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    try {
      process.kill(pid, 0); // still running: leave its folder alone
    } catch {
      rmSync(join(root, name), { recursive: true, force: true });
    }
  }
}

/** The outcome of one example: everything wrong with it (empty when it passed). */
export interface ExampleResult {
  readonly errors: string[];
  /** How many `// ->` checks passed. */
  readonly passed: number;
}

/**
 * Writes examples as `.ts` files into a fresh folder under `tools/doctest/.snippets/` (gitignored),
 * type-checks all of them in one TypeScript program (seeing the packages' sources through the
 * `@torchlet/source` condition of tsconfig.base.json), and runs each one through the caller's
 * module loader (`import()`: inside vitest that is its module runner, which compiles TypeScript).
 */
export class DoctestSession {
  readonly dir: string;
  private readonly examples = new Map<string, Example>();
  private readonly transformed = new Map<string, Transformed>();
  private diagnostics: Promise<Map<string, string[]>> | undefined;

  constructor(examples: readonly Example[], dir?: string) {
    removeStaleSnippetDirs();
    this.dir = dir ?? join(DOCTEST_DIR, '.snippets', `${process.pid}-${Date.now().toString(36)}`);
    mkdirSync(this.dir, { recursive: true });
    for (const ex of examples) {
      if (this.examples.has(ex.id)) throw new Error(`doctest: duplicate example id ${ex.id} (${ex.file} ${ex.symbol})`);
      this.examples.set(ex.id, ex);
      if (ex.problem) continue;
      writeFileSync(this.checkFile(ex), ex.code.endsWith('\n') ? ex.code : `${ex.code}\n`);
      const t = transformSnippet(ex.code);
      this.transformed.set(ex.id, t);
      writeFileSync(this.runFile(ex), t.code);
    }
  }

  private checkFile(ex: Example): string {
    return join(this.dir, `${ex.id}.ts`);
  }

  private runFile(ex: Example): string {
    return join(this.dir, `${ex.id}.run.ts`);
  }

  /** Maps a snippet line to the documentation's `file:line`. */
  private source(ex: Example, line: number): string {
    return `${ex.file}:${ex.line + line - 1}`;
  }

  /** Type errors per example id, computed once for all examples. */
  typeErrors(): Promise<Map<string, string[]>> {
    this.diagnostics ??= Promise.resolve().then(() => this.computeTypeErrors());
    return this.diagnostics;
  }

  private computeTypeErrors(): Map<string, string[]> {
    const byFile = new Map<string, Example>();
    for (const ex of this.examples.values()) if (!ex.problem) byFile.set(resolve(this.checkFile(ex)), ex);
    const program = ts.createProgram({
      rootNames: [...byFile.keys()],
      options: loadCompilerOptions(REPO_ROOT, DOCTEST_DIR),
    });
    const out = new Map<string, string[]>();
    for (const [file, ex] of byFile) {
      const sf = program.getSourceFile(file);
      if (!sf) {
        out.set(ex.id, [`the type checker did not load ${file}`]);
        continue;
      }
      const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
      out.set(
        ex.id,
        diags.map((d) => {
          const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
          if (d.file && d.start !== undefined) {
            const { line } = d.file.getLineAndCharacterOfPosition(d.start);
            return `${this.source(ex, line + 1)}: TS${d.code}: ${msg}`;
          }
          return `TS${d.code}: ${msg}`;
        }),
      );
    }
    return out;
  }

  /**
   * Runs one example: imports its transformed module, collecting `// ->` mismatches and the
   * error it threw (with the documentation line it came from).
   */
  async run(ex: Example): Promise<ExampleResult> {
    if (ex.problem) return { errors: [ex.problem], passed: 0 };
    const t = this.transformed.get(ex.id);
    if (!t) throw new Error(`doctest: unknown example ${ex.id}`);
    const errors = [...t.problems.map((p) => `${ex.file}: snippet ${p}`)];
    const report = installRecorder((line) => this.source(ex, line));
    try {
      await import(/* @vite-ignore */ pathToFileURL(this.runFile(ex)).href);
    } catch (e) {
      errors.push(this.describeThrow(ex, e));
    } finally {
      uninstallRecorder();
    }
    errors.push(...report.failures);
    return { errors, passed: report.passed };
  }

  private describeThrow(ex: Example, e: unknown): string {
    const err = e instanceof Error ? e : new Error(String(e));
    const name = `${ex.id}.run.ts`;
    let where = ex.file;
    for (const l of (err.stack ?? '').split('\n')) {
      const i = l.indexOf(name);
      if (i >= 0) {
        const m = /:(\d+):\d+/.exec(l.slice(i + name.length));
        if (m) {
          where = this.source(ex, Number(m[1]));
          break;
        }
      }
    }
    return `${where}: the snippet threw ${err.name}: ${err.message}`;
  }

  /** Full result: type errors then run errors. */
  async check(ex: Example): Promise<ExampleResult> {
    const typeErrors = ex.problem ? [] : ((await this.typeErrors()).get(ex.id) ?? []);
    const run = await this.run(ex);
    return { errors: [...typeErrors, ...run.errors], passed: run.passed };
  }

  /** Deletes the snippet folder. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
