import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Example, extractMarkdownExamples, extractTsExamples, listFiles } from './extract.js';

/** The package folders (`packages/*`) that have a `src` folder. */
export function packageDirs(root: string): string[] {
  const base = join(root, 'packages');
  return readdirSync(base)
    .sort()
    .map((n) => join(base, n))
    .filter((d) => existsSync(join(d, 'package.json')));
}

/** TypeScript sources of the packages that may carry TSDoc examples (tests excluded). */
export function sourceFiles(root: string): string[] {
  return packageDirs(root).flatMap((d) =>
    listFiles(join(d, 'src'), (p) => p.endsWith('.ts') && !p.endsWith('.d.ts') && !/\.test\.ts$/.test(p)),
  );
}

/** Markdown files that may carry ```ts run blocks: the docs site (not the generated API) and READMEs. */
export function markdownFiles(root: string): string[] {
  const docs = join(root, 'apps', 'docs');
  const api = join(docs, 'api');
  const guides = listFiles(docs, (p) => p.endsWith('.md') && !p.startsWith(`${api}/`) && !p.includes('/test/'));
  const readmes = [join(root, 'README.md'), ...packageDirs(root).map((d) => join(d, 'README.md'))].filter((p) =>
    existsSync(p),
  );
  return [...guides, ...readmes];
}

/** Every example of the repository: TSDoc `@example` blocks, then runnable guide blocks. */
export function collectRepoExamples(root: string): Example[] {
  return [
    ...sourceFiles(root).flatMap((f) => extractTsExamples(f, root)),
    ...markdownFiles(root).flatMap((f) => extractMarkdownExamples(f, root)),
  ];
}
