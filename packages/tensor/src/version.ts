// This package's version, for the one-copy check (single-copy.ts). `pnpm run version` (changesets'
// `changeset version`, then tools/ci/sync-versions.mjs) keeps it equal to package.json's, and
// test/single-copy.test.ts fails when they differ.

/** The version of this copy of `@torchlet/tensor`. */
export const TENSOR_VERSION = '0.1.0';
