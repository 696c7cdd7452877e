import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
    socialLinks: [{ icon: 'github', link: repo, ariaLabel: 'torchlet on GitHub' }],
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
    plugins: [crossOriginIsolation()],
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@torchlet/source'] } },
    // The packages are workspace links to TypeScript sources: let Vite compile them, never pre-bundle.
    optimizeDeps: {
      exclude: ['@torchlet/kernels', '@torchlet/tensor', '@torchlet/ops', '@torchlet/autograd', '@torchlet/nn'],
    },
    build: { chunkSizeWarningLimit: 2000 },
  },
});
