// After `changeset version` bumps package.json versions, writes each version into the source that
// reports it at run time (today: @torchlet/tensor's src/version.ts, used by its one-copy check).
//   node tools/ci/sync-versions.mjs [repository root]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** package folder -> [source file, name of the exported constant] */
export const VERSION_FILES = { 'packages/tensor': ['src/version.ts', 'TENSOR_VERSION'] };

export function syncVersions(root) {
  const changed = [];
  for (const [dir, [file, name]] of Object.entries(VERSION_FILES)) {
    const { version } = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const path = join(root, dir, file);
    const before = readFileSync(path, 'utf8');
    const pattern = new RegExp(`(export const ${name} = )'[^']*';`);
    if (!pattern.test(before)) throw new Error(`${path} has no \`export const ${name} = '...';\``);
    const after = before.replace(pattern, `$1'${version}';`);
    if (after !== before) {
      writeFileSync(path, after);
      changed.push(`${dir}/${file}`);
    }
  }
  return changed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? join(fileURLToPath(import.meta.url), '../../..');
  for (const file of syncVersions(root)) console.log(`synced ${file}`);
}
