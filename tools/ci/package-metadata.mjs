// The metadata every published package carries, in one place. A test (test/package-metadata.test.ts)
// fails when a package drifts from it; `--write` brings every package in line.
//   node tools/ci/package-metadata.mjs           lists what differs (exit 1 if anything)
//   node tools/ci/package-metadata.mjs --write [packages/x ...]   rewrites the package.json files (all, or those named)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPOSITORY = 'https://github.com/torchlet/torchlet';
export const HOMEPAGE = 'https://torchlet.github.io/torchlet/';
export const AUTHOR = 'the torchlet authors';
/**
 * Node versions that run every feature: process.getBuiltinModule (20.16 / 22.3) loads the
 * WebAssembly kernels and worker threads; require() of these ES modules works from 20.19 / 22.12.
 */
export const NODE_ENGINES = '^20.19.0 || >=22.12.0';
/** What a tarball holds: the built JavaScript, declarations and .wasm modules; no sources or tests. */
export const FILES = [
  'dist',
  '!dist/**/*.test.*',
  '!dist/**/*.map',
  '!dist/**/*.tsbuildinfo',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
];
/** The export condition that points the workspace's tests at src/; never published. */
export const SOURCE_CONDITION = '@torchlet/source';

/** Public packages: folders under packages/ whose package.json is not private. */
export function publicPackages(root) {
  const dir = join(root, 'packages');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, e.name, 'package.json'), 'utf8'));
        return manifest.private ? [] : [{ folder: `packages/${e.name}`, manifest }];
      } catch {
        return [];
      }
    });
}

/** `exports` without the source condition, as published. */
export function publishedExports(exports) {
  if (typeof exports !== 'object' || exports === null) return exports;
  return Object.fromEntries(
    Object.entries(exports)
      .filter(([key]) => key !== SOURCE_CONDITION)
      .map(([key, value]) => [key, publishedExports(value)]),
  );
}

/** The manifest with the shared metadata applied (key order kept, new keys after `license`). */
export function withMetadata(manifest, folder) {
  const keywords = [...new Set(['torchlet', ...(manifest.keywords ?? [])])];
  const fields = {
    author: AUTHOR,
    homepage: HOMEPAGE,
    repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: folder },
    bugs: { url: `${REPOSITORY}/issues` },
    keywords,
  };
  const out = {};
  for (const [key, value] of Object.entries(manifest)) {
    if (key in fields) continue;
    out[key] = value;
    if (key === 'license') Object.assign(out, fields);
  }
  for (const [key, value] of Object.entries(fields)) if (!(key in out)) out[key] = value;
  out.files = FILES;
  out.engines = { ...(manifest.engines ?? {}), node: NODE_ENGINES };
  out.publishConfig = {
    ...(manifest.publishConfig ?? {}),
    access: 'public',
    provenance: true,
    exports: publishedExports(manifest.exports),
  };
  return out;
}

/** Differences between each public package and its expected metadata, as readable lines. */
export function metadataProblems(root) {
  const problems = [];
  for (const { folder, manifest } of publicPackages(root)) {
    const expected = withMetadata(manifest, folder);
    for (const key of new Set([...Object.keys(expected), ...Object.keys(manifest)])) {
      if (JSON.stringify(expected[key]) !== JSON.stringify(manifest[key])) {
        problems.push(`${folder}/package.json: "${key}" should be ${JSON.stringify(expected[key])}`);
      }
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(import.meta.url), '../../..');
  if (process.argv.includes('--write')) {
    const only = process.argv.slice(2).filter((a) => a !== '--write');
    for (const { folder, manifest } of publicPackages(root)) {
      if (only.length > 0 && !only.includes(folder)) continue;
      writeFileSync(join(root, folder, 'package.json'), `${JSON.stringify(withMetadata(manifest, folder), null, 2)}\n`);
    }
  } else {
    const problems = metadataProblems(root);
    for (const p of problems) console.log(p);
    process.exit(problems.length > 0 ? 1 : 0);
  }
}
