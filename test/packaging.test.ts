import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicPackages as listPublic, NODE_ENGINES, REPOSITORY } from '../tools/ci/package-metadata.mjs';
import { installAndRun, lintTarball, pack, tarballFiles, tarballManifest } from './lib/packaging.js';

const root = join(import.meta.dirname, '..');
/** Every public package (packages/* not marked private), by folder name. */
const publicPackages = listPublic(root).map((p) => p.folder.replace('packages/', ''));
/** The packages the smoke script imports, and what they depend on. */
const smokePackages = ['kernels', 'webgpu', 'tensor', 'ops', 'autograd', 'nn', 'onnx', 'vision'];

// What a user does after `npm install @torchlet/<pkg>`: import by name and do real work.
const smokeScript = `
import { tensor, zeros } from '@torchlet/tensor';
import { corr2d } from '@torchlet/ops';
import { variable } from '@torchlet/autograd';
import { Conv2d } from '@torchlet/nn';
import { exportOnnx, importOnnx } from '@torchlet/onnx';
import { lenet } from '@torchlet/vision';
import { decodeImage } from '@torchlet/vision/node';

const X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
const K = tensor([[0, 1], [2, 3]]);
console.log(corr2d(X, K).toString());

const w = variable(tensor([[1, -1]]), { requiresGrad: true });
w.mul(w).sum().backward();
console.log(JSON.stringify(w.grad.toArray()));

const layer = new Conv2d(1, 1, [1, 2], { bias: false });
console.log(JSON.stringify(layer.forward(zeros([1, 1, 6, 8])).shape));

const imported = importOnnx(exportOnnx(layer, [zeros([1, 1, 6, 8])]));
console.log(JSON.stringify(imported.forward(zeros([1, 1, 6, 8])).shape));

console.log(JSON.stringify(lenet().forward(zeros([1, 1, 28, 28])).shape));
const png = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAD0lEQVR4nGPkEpFjYGAAAAEmAD5j+GBZAAAAAElFTkSuQmCC';
console.log(JSON.stringify(decodeImage(Buffer.from(png, 'base64')).toArray()));
`;

describe('packaging: every public package installs from its tarball and works', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'torchlet-pack-'));
  const tarballs: string[] = [];
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  beforeAll(() => {
    execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], {
      cwd: root,
      stdio: 'pipe',
    });
    for (const name of publicPackages) tarballs.push(pack(join(root, 'packages', name), scratch));
  });

  it.each(publicPackages)('@torchlet/%s passes publint --strict', async (name) => {
    const tarball = tarballs[publicPackages.indexOf(name)];
    expect(await lintTarball(tarball)).toEqual([]);
  });

  it.each(publicPackages)('@torchlet/%s passes arethetypeswrong (esm-only profile)', (name) => {
    const tarball = tarballs[publicPackages.indexOf(name)];
    const attw = join(root, 'node_modules', '.bin', 'attw');
    // To a file, not a pipe: attw exits before a pipe takes more than 64 KiB of JSON.
    const report = join(scratch, `attw-${name}.json`);
    const fd = openSync(report, 'w');
    // `./gemm.wasm`-style subpaths are files for bundlers' `?url` imports, not modules with types.
    const assets = Object.keys((tarballManifest(tarball).exports ?? {}) as object).filter((k) => k.endsWith('.wasm'));
    const exclude = assets.length > 0 ? ['--exclude-entrypoints', ...assets] : [];
    const run = spawnSync(attw, [tarball, '--profile', 'esm-only', '--format', 'json', ...exclude], {
      stdio: ['ignore', fd, 'pipe'],
      encoding: 'utf8',
    });
    closeSync(fd);
    expect(run.status, run.stderr).toBe(0);
    // The esm-only profile ignores node10 and require-from-CommonJS resolutions; nothing else may fail.
    const { problems } = JSON.parse(readFileSync(report, 'utf8')) as {
      problems: Record<string, { resolutionKind?: string }[]>;
    };
    const counted = Object.values(problems)
      .flat()
      .filter((p) => p.resolutionKind !== 'node10' && p.resolutionKind !== 'node16-cjs');
    expect(counted).toEqual([]);
  });

  it.each(publicPackages)('@torchlet/%s publishes its metadata and no internal export condition', (name) => {
    const manifest = tarballManifest(tarballs[publicPackages.indexOf(name)]);
    expect(JSON.stringify(manifest)).not.toContain('@torchlet/source');
    expect(manifest.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${name}` });
    expect(manifest).toMatchObject({ bugs: { url: `${REPOSITORY}/issues` }, engines: { node: NODE_ENGINES } });
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(typeof manifest.author).toBe('string');
    expect(manifest.keywords).toContain('torchlet');
    expect(JSON.stringify(manifest.dependencies ?? {})).not.toContain('workspace:');
  });

  it.each(publicPackages)('@torchlet/%s ships only what users need: built code, types, README, licence', (name) => {
    const files = tarballFiles(tarballs[publicPackages.indexOf(name)]);
    expect(files).toContain('package/README.md');
    expect(files).toContain('package/LICENSE');
    const extra = files.filter(
      (f) =>
        !/^package\/(package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(f) &&
        !/^package\/dist\/.*\.(js|d\.ts|wasm|json)$/.test(f),
    );
    expect(extra).toEqual([]);
    expect(files.filter((f) => /\.test\.|\.map$/.test(f))).toEqual([]);
  });

  it('installs with plain npm into an empty folder and runs by package name', () => {
    const consumer = join(scratch, 'consumer');
    mkdirSync(consumer);
    const needed = smokePackages.map((p) => tarballs[publicPackages.indexOf(p)]);
    const out = installAndRun(consumer, needed, smokeScript).trim().split('\n');
    expect(out).toEqual([
      'tensor([[19., 25.],',
      '        [37., 43.]])',
      '[[2,-2]]',
      '[1,1,6,7]',
      '[1,1,6,7]',
      '[1,10]',
      '[[[10,20,30],[10,20,30]]]',
    ]);
  });

  it('would catch a broken exports map (a scratch package pointing at a file it does not ship)', async () => {
    const broken = join(scratch, 'broken');
    mkdirSync(join(broken, 'dist'), { recursive: true });
    writeFileSync(join(broken, 'dist', 'index.js'), 'export const ok = 1;\n');
    writeFileSync(
      join(broken, 'package.json'),
      JSON.stringify({
        name: 'broken-exports',
        version: '0.1.0',
        type: 'module',
        files: ['dist'],
        exports: { '.': './dist/missing.js' },
      }),
    );
    const tarball = pack(broken, scratch, 'npm');
    expect((await lintTarball(tarball)).join('\n')).toMatch(/missing\.js/);
    const consumer = join(scratch, 'broken-consumer');
    mkdirSync(consumer);
    expect(() => installAndRun(consumer, [tarball], "import 'broken-exports';\n")).toThrow(
      /Cannot find module|ERR_MODULE_NOT_FOUND/,
    );
  });
});
