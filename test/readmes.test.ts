// What npm shows on each public package's page: the README opens with the install line, names the
// package's runtime dependencies (all of them, as package.json lists them), shows an example, and
// every link is absolute (relative links break on the registry's page).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicPackages } from '../tools/ci/package-metadata.mjs';

const root = join(import.meta.dirname, '..');
const packages = publicPackages(root);

describe.each(packages.map((p) => [p.manifest.name as string, p] as const))('%s README', (name, pkg) => {
  const read = () => readFileSync(join(root, pkg.folder, 'README.md'), 'utf8');
  const openingOf = (readme: string) => readme.slice(0, readme.indexOf('<!-- /install -->'));

  it('opens with the install line', () => {
    const readme = read();
    expect(readme).toMatch(
      new RegExp(`^# ${name}\\n\\n(<!-- install -->\\n)?\`\`\`sh\\nnpm install ${name}\\n\`\`\`\\n`),
    );
  });

  it('names every runtime dependency in its opening', () => {
    const opening = openingOf(read());
    expect(opening.length).toBeGreaterThan(0);
    const deps = Object.keys((pkg.manifest.dependencies ?? {}) as Record<string, string>);
    if (deps.length === 0) expect(opening).toMatch(/No dependencies/);
    for (const dep of deps.filter((d) => !d.startsWith('@types/'))) expect(opening).toContain(dep);
  });

  it('shows an example', () => {
    const readme = read();
    expect(readme).toMatch(/```ts( run)?\n[\s\S]*?import [\s\S]*?```/);
  });

  it('links only to absolute URLs or anchors', () => {
    const readme = read();
    const relative = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^(https?:|#)/.test(t));
    expect(relative).toEqual([]);
  });
});
