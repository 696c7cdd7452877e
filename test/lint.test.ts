import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

it('biome check passes on the whole repository (formatting, lint, import order)', () => {
  const biome = join(root, 'node_modules', '.bin', 'biome');
  const result = spawnSync(biome, ['check', '.', '--max-diagnostics=20'], { cwd: root, encoding: 'utf8' });
  expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
});
