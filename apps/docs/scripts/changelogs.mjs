// Writes one changelog page per published package into changelog/ (not committed: `build` and
// `dev` run this), from packages/<name>/CHANGELOG.md, which changesets writes at each release.
// A package without one yet gets a page that says so, so every package has its page and link.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const docsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = join(docsDir, '..', '..', 'packages');
const out = join(docsDir, 'changelog');

/** The published packages: packages/* with a package.json that is not private, in folder order. */
export function publishedPackages() {
  return readdirSync(packagesDir)
    .filter((dir) => existsSync(join(packagesDir, dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => !manifest.private && typeof manifest.name === 'string')
    .map(({ dir, manifest }) => ({ dir, name: manifest.name, version: manifest.version ?? '0.0.0' }))
    .sort((a, b) => a.dir.localeCompare(b.dir));
}

/** A page's Markdown: the changelog with its own `# name` heading replaced by the page's. */
export function changelogPage(pkg, changelog) {
  const head = `---\neditLink: false\n---\n\n# Changelog: ${pkg.name}\n\n`;
  if (changelog === null) {
    return `${head}No release yet: \`${pkg.name}\` is at v${pkg.version}, and this page will list each release's changes once changesets publishes one.\n`;
  }
  // changesets starts the file with `# <package name>`; the page has its own title.
  return `${head}${changelog.replace(/^# .*\n+/, '').trim()}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const packages = publishedPackages();
  for (const pkg of packages) {
    const file = join(packagesDir, pkg.dir, 'CHANGELOG.md');
    writeFileSync(join(out, `${pkg.dir}.md`), changelogPage(pkg, existsSync(file) ? readFileSync(file, 'utf8') : null));
  }
  const list = packages.map((p) => `- [${p.name}](./${p.dir}) (v${p.version})`).join('\n');
  writeFileSync(
    join(out, 'index.md'),
    `---\neditLink: false\n---\n\n# Changelogs\n\nEach package is versioned on its own (changesets); its changelog lists what changed in each release.\n\n${list}\n`,
  );
}
