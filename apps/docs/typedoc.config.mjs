// The API reference: typedoc with typedoc-plugin-markdown over each package's entry points
// (packages/<name>/typedoc.json), written to api/ as Markdown for VitePress, with warnings as
// errors and validation, so an undocumented export or a broken {@link} fails the build.
// scripts/typedoc-plugin.mjs names the modules, hides inherited members, links PyTorch and
// typesets formulas.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repositoryBranch, repositoryUrl } from './scripts/site-base.mjs';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
/** The documented packages, in layer order. */
export const API_PACKAGES = ['kernels', 'webgpu', 'tensor', 'ops', 'autograd', 'nn', 'vision', 'onnx'];

/** @type {Partial<import('typedoc').TypeDocOptions & import('typedoc-plugin-markdown').PluginOptions>} */
const config = {
  entryPointStrategy: 'packages',
  entryPoints: API_PACKAGES.map((p) => `../../packages/${p}`),
  packageOptions: {
    entryPoints: ['src/index.ts'],
    tsconfig: '../../apps/docs/tsconfig.typedoc.json',
    includeVersion: true,
    excludePrivate: true,
    excludeInternal: true,
    // Type errors are each package's typecheck's to report; the reference documents what is there.
    skipErrorChecking: true,
    readme: 'none',
    // Source links to the repository (a template, so no git remote is needed).
    gitRevision: repositoryBranch(),
    sourceLinkTemplate: `${repositoryUrl(repoRoot)}/blob/{gitRevision}/{path}#L{line}`,
  },
  plugin: ['typedoc-plugin-markdown', './scripts/typedoc-plugin.mjs'],
  out: 'api',
  cleanOutputDir: true,
  name: 'torchlet',
  readme: 'none',
  includeVersion: true,
  treatWarningsAsErrors: true,
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  excludeExternals: true,
  hideGenerator: true,
  entryFileName: 'index',
  outputFileStrategy: 'modules',
  hidePageHeader: true,
  hideBreadcrumbs: true, // the sidebar shows where a page sits
  useCodeBlocks: true,
  expandObjects: false,
  parametersFormat: 'table',
  interfacePropertiesFormat: 'table',
  sanitizeComments: true,
  publicPath: '/api/',
};
export default config;
