import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAndRun, lintTarball, pack } from './lib/packaging.js';

const root = join(import.meta.dirname, '..');
const publicPackages = ['kernels', 'tensor', 'ops', 'autograd', 'nn', 'onnx'];

// What a user does after `npm install @torchlet/<pkg>`: import by name and do real work.
const smokeScript = `
import { tensor, zeros } from '@torchlet/tensor';
import { corr2d } from '@torchlet/ops';
import { variable } from '@torchlet/autograd';
import { Conv2d } from '@torchlet/nn';
import { exportOnnx, importOnnx } from '@torchlet/onnx';

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

  it.each(publicPackages)('@torchlet/%s passes publint', async (name) => {
    const tarball = tarballs[publicPackages.indexOf(name)];
    expect(await lintTarball(tarball)).toEqual([]);
  });

  it('installs with plain npm into an empty folder and runs by package name', () => {
    const consumer = join(scratch, 'consumer');
    mkdirSync(consumer);
    const out = installAndRun(consumer, tarballs, smokeScript).trim().split('\n');
    expect(out).toEqual(['tensor([[19., 25.],', '        [37., 43.]])', '[[2,-2]]', '[1,1,6,7]', '[1,1,6,7]']);
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
