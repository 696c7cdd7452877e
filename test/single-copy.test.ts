// One @torchlet/tensor per app: a second copy throws a TorchletError naming both versions the first
// time it creates a tensor (packages/tensor/src/single-copy.ts). Checked on the built package in a
// plain Node process, with the copies laid out as npm nests them.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncVersions } from '../tools/ci/sync-versions.mjs';

const root = join(import.meta.dirname, '..');
const tensorDir = join(root, 'packages', 'tensor');
const scratch = mkdtempSync(join(tmpdir(), 'torchlet-single-copy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Copies the built @torchlet/tensor into `modules`, as version `version`. */
function installTensor(modules: string, version: string): void {
  const dest = join(modules, '@torchlet', 'tensor');
  mkdirSync(dest, { recursive: true });
  cpSync(join(tensorDir, 'dist'), join(dest, 'dist'), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(tensorDir, 'package.json'), 'utf8'));
  writeFileSync(join(dest, 'package.json'), JSON.stringify({ ...manifest, version }));
  const versionJs = join(dest, 'dist', 'version.js');
  writeFileSync(versionJs, readFileSync(versionJs, 'utf8').replace(/'[^']*';/, `'${version}';`));
}

function run(app: string, script: string): string {
  writeFileSync(join(app, 'main.mjs'), script);
  return execFileSync(process.execPath, ['main.mjs'], { cwd: app, encoding: 'utf8', stdio: 'pipe' }).trim();
}

const script = `
import { tensor } from '@torchlet/tensor';
import { tensor as otherTensor } from 'other';
console.log(tensor([1, 2]).sum().item());
try {
  console.log(otherTensor([3]).item());
} catch (e) {
  console.log(e.name + ': ' + e.message);
}
`;

describe('one @torchlet/tensor per app', () => {
  beforeAll(() => {
    execFileSync(
      'pnpm',
      ['exec', 'turbo', 'run', 'build', '--filter=@torchlet/tensor...', '--output-logs=errors-only'],
      {
        cwd: root,
        stdio: 'pipe',
      },
    );
  }, 300_000);

  function app(name: string, nestedVersion: string | null): string {
    const dir = join(scratch, name);
    const modules = join(dir, 'node_modules');
    mkdirSync(join(modules, '@torchlet'), { recursive: true });
    symlinkSync(join(root, 'packages', 'kernels'), join(modules, '@torchlet', 'kernels'));
    symlinkSync(join(root, 'packages', 'webgpu'), join(modules, '@torchlet', 'webgpu'));
    installTensor(modules, '0.1.0');
    const other = join(modules, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'package.json'), JSON.stringify({ name: 'other', type: 'module', main: 'index.js' }));
    writeFileSync(join(other, 'index.js'), "export { tensor } from '@torchlet/tensor';\n");
    if (nestedVersion !== null) installTensor(join(other, 'node_modules'), nestedVersion);
    return dir;
  }

  it('a package sharing the app’s copy works', () => {
    expect(run(app('shared', null), script).split('\n')).toEqual(['3', '3']);
  });

  it('a second, nested copy throws a TorchletError naming both versions', () => {
    const lines = run(app('nested', '0.2.0'), script).split('\n');
    expect(lines[0]).toBe('3');
    expect(lines[1]).toMatch(
      /^TorchletError: Tensor: two copies of @torchlet\/tensor are loaded: 0\.1\.0 \(file:.*\/node_modules\/@torchlet\/tensor\/dist\/single-copy\.js\) and 0\.2\.0 \(file:.*\/other\/node_modules\/@torchlet\/tensor\/dist\/single-copy\.js\)/,
    );
  });

  it('the version the check reports is package.json’s (sync-versions keeps them equal)', () => {
    const { version } = JSON.parse(readFileSync(join(tensorDir, 'package.json'), 'utf8'));
    expect(readFileSync(join(tensorDir, 'src', 'version.ts'), 'utf8')).toContain(
      `export const TENSOR_VERSION = '${version}';`,
    );
    const fake = join(scratch, 'repo', 'packages', 'tensor');
    mkdirSync(join(fake, 'src'), { recursive: true });
    writeFileSync(join(fake, 'package.json'), JSON.stringify({ version: '0.3.0' }));
    cpSync(join(tensorDir, 'src', 'version.ts'), join(fake, 'src', 'version.ts'));
    expect(syncVersions(join(scratch, 'repo'))).toEqual(['packages/tensor/src/version.ts']);
    expect(readFileSync(join(fake, 'src', 'version.ts'), 'utf8')).toContain("export const TENSOR_VERSION = '0.3.0';");
  });
});
