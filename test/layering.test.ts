import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLayering } from './lib/layering.js';

const packagesDir = join(import.meta.dirname, '..', 'packages');

describe('layering', () => {
  it('no package depends on or imports a layer above or beside it', () => {
    expect(checkLayering(packagesDir)).toEqual([]);
  });

  describe('fails on violations (checked on a scratch copy)', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'torchlet-layering-'));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));
    const copy = (name: string): string => {
      const dir = join(scratch, name);
      rmSync(dir, { recursive: true, force: true });
      cpSync(packagesDir, dir, {
        recursive: true,
        filter: (src) => !src.includes('node_modules') && !src.includes('dist'),
      });
      return dir;
    };

    it('an upward import (tensor importing ops)', () => {
      const dir = copy('upward');
      writeFileSync(
        join(dir, 'tensor', 'src', 'upward.ts'),
        "import { conv2d } from '@torchlet/ops';\nexport const x = conv2d;\n",
      );
      expect(checkLayering(dir)).toEqual([
        'tensor/src/upward.ts imports @torchlet/ops, which is not a layer below @torchlet/tensor',
      ]);
    });
    it('a sideways dependency (nn on ops) in package.json', () => {
      const dir = copy('sideways');
      const manifestPath = join(dir, 'nn', 'package.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      manifest.dependencies['@torchlet/ops'] = 'workspace:^';
      writeFileSync(manifestPath, JSON.stringify(manifest));
      expect(checkLayering(dir)).toEqual([
        '@torchlet/nn dependencies names @torchlet/ops, which is not a layer below it',
      ]);
    });
    it("a deep import of another package's src/", () => {
      const dir = copy('deep');
      writeFileSync(join(dir, 'ops', 'src', 'deep.ts'), "export { Tensor } from '../../tensor/src/tensor.js';\n");
      expect(checkLayering(dir)).toEqual([
        'ops/src/deep.ts imports ../../tensor/src/tensor.js: a path outside its package',
      ]);
    });
  });
});
