import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'node_modules', '@changesets', 'cli', 'bin.js');

/** Copies the workspace's manifests and changeset config (no sources) into a scratch folder. */
function scratchWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'torchlet-changesets-'));
  for (const f of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(root, f), join(dir, f));
  mkdirSync(join(dir, '.changeset'));
  cpSync(join(root, '.changeset', 'config.json'), join(dir, '.changeset', 'config.json'));
  for (const group of ['packages', 'apps', 'tools']) {
    for (const name of readdirSync(join(root, group))) {
      const manifest = join(root, group, name, 'package.json');
      try {
        readFileSync(manifest);
      } catch {
        continue;
      }
      mkdirSync(join(dir, group, name), { recursive: true });
      cpSync(manifest, join(dir, group, name, 'package.json'));
    }
  }
  mkdirSync(join(dir, 'benchmarks'));
  try {
    cpSync(join(root, 'benchmarks', 'package.json'), join(dir, 'benchmarks', 'package.json'));
  } catch {
    rmSync(join(dir, 'benchmarks'), { recursive: true });
  }
  execFileSync('git', ['init', '-q'], { cwd: dir });
  return dir;
}

const version = (dir: string, pkg: string): string =>
  JSON.parse(readFileSync(join(dir, 'packages', pkg, 'package.json'), 'utf8')).version;

describe('changesets: independent versions', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the config keeps versions independent and private packages unversioned', () => {
    const config = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8'));
    expect(config.fixed).toEqual([]);
    expect(config.linked).toEqual([]);
    expect(config.privatePackages).toEqual({ version: false, tag: false });
  });

  it('every public package has a changeset', () => {
    const text = readdirSync(join(root, '.changeset'))
      .filter((f) => f.endsWith('.md') && f !== 'README.md')
      .map((f) => readFileSync(join(root, '.changeset', f), 'utf8'))
      .join('\n');
    for (const pkg of ['tensor', 'ops', 'autograd', 'nn']) expect(text).toContain(`"@torchlet/${pkg}"`);
  });

  it('`changeset version` bumps only the package a changeset names', () => {
    const dir = scratchWorkspace();
    dirs.push(dir);
    writeFileSync(join(dir, '.changeset', 'fix-ops.md'), '---\n"@torchlet/ops": patch\n---\n\nFix a thing in ops.\n');
    const before = Object.fromEntries(['tensor', 'ops', 'autograd', 'nn'].map((p) => [p, version(dir, p)]));
    execFileSync(process.execPath, [cli, 'version'], { cwd: dir, stdio: 'pipe' });
    expect(version(dir, 'ops')).not.toBe(before.ops);
    expect(version(dir, 'tensor')).toBe(before.tensor);
    expect(version(dir, 'autograd')).toBe(before.autograd);
    expect(version(dir, 'nn')).toBe(before.nn);
  });

  it('`changeset version` on the pending changesets writes a real CHANGELOG.md for every public package', () => {
    const dir = scratchWorkspace();
    dirs.push(dir);
    const pending = readdirSync(join(root, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    for (const f of pending) cpSync(join(root, '.changeset', f), join(dir, '.changeset', f));
    const summary = (f: string) =>
      readFileSync(join(root, '.changeset', f), 'utf8')
        .split(/^---$/m)[2]
        .trim();
    execFileSync(process.execPath, [cli, 'version'], { cwd: dir, stdio: 'pipe' });
    for (const name of ['kernels', 'tensor', 'ops', 'autograd', 'nn']) {
      const changelog = readFileSync(join(dir, 'packages', name, 'CHANGELOG.md'), 'utf8');
      expect(changelog.startsWith(`# @torchlet/${name}\n\n## ${version(dir, name)}\n`)).toBe(true);
      expect(changelog).toMatch(/### (Major|Minor|Patch) Changes/);
      // Every changeset naming the package appears in its changelog, first line at least.
      for (const f of pending) {
        const text = readFileSync(join(root, '.changeset', f), 'utf8');
        if (!text.includes(`"@torchlet/${name}"`)) continue;
        expect(changelog).toContain(summary(f).split('\n')[0]);
      }
    }
    expect(readdirSync(join(dir, '.changeset')).filter((f) => f.endsWith('.md'))).toEqual([]);
  });
});
