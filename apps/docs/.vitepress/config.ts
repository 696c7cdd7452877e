import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { type DefaultTheme, defineConfig } from 'vitepress';
import { publishedPackages } from '../scripts/changelogs.mjs';
import { crossOriginIsolation } from '../scripts/isolation.mjs';
import { siteBase } from '../scripts/site-base.mjs';
import { apiSidebar } from './api-sidebar.ts';

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(docsRoot, '../..');

// The browser imports the packages' TypeScript sources (the "@torchlet/source" export condition),
// so the site never needs the packages built first.
const conditions = ['@torchlet/source', 'browser', 'module', 'import', 'default'];

/** Where the site is published: `TORCHLET_DOCS_BASE=/torchlet/` for https://<owner>.github.io/torchlet/. */
const base = siteBase();

/**
 * The repository the site links to (nav icon, edit links, source links of the API reference):
 * `TORCHLET_DOCS_REPO`, else the `repository` field of the root package.json, else the default.
 */
function repositoryUrl(): string {
  if (process.env.TORCHLET_DOCS_REPO) return process.env.TORCHLET_DOCS_REPO.replace(/\/+$/, '');
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    repository?: string | { url?: string };
  };
  const raw = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  if (raw) return raw.replace(/^git\+/, '').replace(/\.git$/, '');
  return 'https://github.com/torchlet/torchlet';
}
const repo = repositoryUrl();
const branch = process.env.TORCHLET_DOCS_BRANCH ?? 'main';

const guide: DefaultTheme.SidebarItem[] = [
  {
    text: 'Guides',
    items: [
      { text: 'Tensors', link: '/guide/tensors' },
      { text: 'Convolution', link: '/guide/convolution' },
      { text: 'Autograd', link: '/guide/autograd' },
      { text: 'Neural networks', link: '/guide/nn' },
      { text: 'The d2l section, step by step', link: '/guide/d2l' },
      { text: 'Models and images', link: '/guide/models' },
      { text: 'PyTorch, ONNX and ONNX Runtime', link: '/guide/onnx' },
      { text: 'Performance and backends', link: '/guide/performance' },
      { text: 'Contributing to a layer', link: '/guide/contributing' },
    ],
  },
  { text: 'Try it', items: [{ text: 'Playground', link: '/playground' }] },
];

const changelogs: DefaultTheme.SidebarItem[] = [
  {
    text: 'Changelogs',
    link: '/changelog/',
    items: publishedPackages().map((p) => ({ text: p.name, link: `/changelog/${p.dir}` })),
  },
];

/** GitHub's mark (Octicons `mark-github`, 16×16). */
const GITHUB_MARK =
  '<svg role="img" viewBox="0 0 16 16" xmlns="http://www.w3.org/2000/svg"><title>GitHub</title><path fill="currentColor" d="M8 0C3.58 0 0 3.58 0 8c0 3.54 2.29 6.53 5.47 7.59.4.07.55-.17.55-.38 0-.19-.01-.82-.01-1.49-2.01.37-2.53-.49-2.69-.94-.09-.23-.48-.94-.82-1.13-.28-.15-.68-.52-.01-.53.63-.01 1.08.58 1.23.82.72 1.21 1.87.87 2.33.66.07-.52.28-.87.51-1.07-1.78-.2-3.64-.89-3.64-3.95 0-.87.31-1.59.82-2.15-.08-.2-.36-1.02.08-2.12 0 0 .67-.21 2.2.82.64-.18 1.32-.27 2-.27.68 0 1.36.09 2 .27 1.53-1.04 2.2-.82 2.2-.82.44 1.1.16 1.92.08 2.12.51.56.82 1.27.82 2.15 0 3.07-1.87 3.75-3.65 3.95.29.25.54.73.54 1.48 0 1.07-.01 1.93-.01 2.2 0 .21.15.46.55.38A8.013 8.013 0 0016 8c0-4.42-3.58-8-8-8z"/></svg>';

/** The dev server serves pages under the base path; a browser still asks for /favicon.ico. */
const faviconRedirect: Plugin = {
  name: 'torchlet:favicon',
  configureServer(server) {
    server.middlewares.use('/favicon.ico', (_req, res) => {
      res.statusCode = 302;
      res.setHeader('Location', `${base}logo.svg`);
      res.end();
    });
  },
};

/** Pages generated at build time (API reference, changelogs) have no source file to edit here. */
const generated = (relativePath: string): boolean => /^(api|changelog)\//.test(relativePath);

export default defineConfig({
  base,
  title: 'torchlet',
  description: "Convolutions for images in TypeScript: from d2l's corr2d to a trainable CNN, as correct as PyTorch.",
  lang: 'en-US',
  cleanUrls: true,
  lastUpdated: false,
  appearance: true, // light and dark themes, with a switch in the nav bar
  ignoreDeadLinks: false,
  srcExclude: ['README.md'],
  head: [
    // `head` is not rewritten for the base path: every URL here carries it.
    ['link', { rel: 'icon', href: `${base}logo.svg`, type: 'image/svg+xml' }],
    // Static hosts that cannot send COOP/COEP (GitHub Pages): a service worker adds them and
    // reloads once (scripts/service-worker.mjs). A no-op when the server sends them.
    ['script', { src: `${base}coi-serviceworker.js` }],
  ],
  markdown: {
    // Output-shape formulas in the guides and the API reference are typeset with MathJax.
    math: true,
    lineNumbers: false,
    // GitHub's high-contrast themes: every token meets WCAG AA on the code block background.
    theme: { light: 'github-light-high-contrast', dark: 'github-dark-high-contrast' },
  },
  transformPageData(pageData) {
    if (generated(pageData.relativePath)) pageData.frontmatter.editLink = false;
  },
  themeConfig: {
    logo: '/logo.svg',
    nav: [
      { text: 'Guides', link: '/guide/tensors', activeMatch: '^/guide/' },
      { text: 'API', link: '/api/', activeMatch: '^/api/' },
      { text: 'Playground', link: '/playground' },
      { text: 'Changelog', link: '/changelog/', activeMatch: '^/changelog/' },
    ],
    // The icon inline (not VitePress's 'github', which the dev server fetches from an icon API).
    socialLinks: [{ icon: { svg: GITHUB_MARK }, link: repo, ariaLabel: 'torchlet on GitHub' }],
    editLink: { pattern: `${repo}/edit/${branch}/apps/docs/:path`, text: 'Edit this page' },
    sidebar: {
      '/guide/': guide,
      '/playground': guide,
      '/api/': apiSidebar(join(docsRoot, 'api')),
      '/changelog/': changelogs,
    },
    search: { provider: 'local' },
    outline: { level: [2, 3] },
    footer: { message: 'MIT licensed. Numbers checked against PyTorch.' },
  },
  vite: {
    plugins: [crossOriginIsolation(), faviconRedirect],
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@torchlet/source'] } },
    // The packages are workspace links to TypeScript sources: let Vite compile them, never pre-bundle.
    optimizeDeps: {
      exclude: ['@torchlet/kernels', '@torchlet/tensor', '@torchlet/ops', '@torchlet/autograd', '@torchlet/nn'],
    },
    build: { chunkSizeWarningLimit: 2000 },
  },
});
