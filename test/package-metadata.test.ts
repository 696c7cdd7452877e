// Every public package carries the shared metadata (tools/ci/package-metadata.mjs): repository with
// its directory, homepage, bugs, author, keywords, the Node versions that work, the files users
// need, and a published exports map without the internal source condition.
// Fix a failure with `node tools/ci/package-metadata.mjs --write`.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { metadataProblems, publicPackages, publishedExports } from '../tools/ci/package-metadata.mjs';

const root = join(import.meta.dirname, '..');

it('lists the public packages', () => {
  const folders = publicPackages(root).map((p) => p.folder);
  for (const name of ['kernels', 'tensor', 'ops', 'autograd', 'nn']) expect(folders).toContain(`packages/${name}`);
});

it('every public package has the shared metadata', () => {
  expect(metadataProblems(root)).toEqual([]);
});

it('publishedExports drops the source condition at every level and keeps the rest in order', () => {
  const exports = {
    '.': { '@torchlet/source': './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js' },
    './x.wasm': './dist/x.wasm',
  };
  expect(publishedExports(exports)).toEqual({
    '.': { types: './dist/index.d.ts', import: './dist/index.js' },
    './x.wasm': './dist/x.wasm',
  });
});
