import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(docsRoot, '../..');

// The browser imports the packages' TypeScript sources (the "@torchlet/source" export condition),
// so the site never needs the packages built first.
const conditions = ['@torchlet/source', 'browser', 'module', 'import', 'default'];

const PACKAGES = ['kernels', 'tensor', 'ops', 'autograd', 'nn'] as const;

/** The response headers that make a page cross-origin isolated (`crossOriginIsolated === true`). */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

function version(pkg: string): string {
  const file = join(repoRoot, 'packages', pkg, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : '?';
}

/** The API sidebar, from the Markdown typedoc generated into api/ (empty until it has run). */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const apiDir = join(docsRoot, 'api', '@torchlet');
  const items: DefaultTheme.SidebarItem[] = [{ text: 'Overview', link: '/api/' }];
  for (const pkg of PACKAGES) {
    const single = join(apiDir, `${pkg}.md`);
    const folder = join(apiDir, pkg);
    const text = `@torchlet/${pkg} v${version(pkg)}`;
    if (existsSync(single)) {
      items.push({ text, link: `/api/@torchlet/${pkg}` });
    } else if (existsSync(folder)) {
      const sub: DefaultTheme.SidebarItem[] = [];
      const walk = (dir: string): void => {
        for (const name of readdirSync(dir).sort()) {
          const p = join(dir, name);
          if (name.endsWith('.md') && name !== 'index.md') {
            sub.push({ text: name.replace(/\.md$/, ''), link: `/${relative(docsRoot, p).replace(/\.md$/, '')}` });
          } else if (!name.includes('.')) {
            walk(p);
          }
        }
      };
      walk(folder);
      items.push({ text, link: `/api/@torchlet/${pkg}/`, collapsed: true, items: sub });
    }
  }
  return items;
}

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

export default defineConfig({
  title: 'torchlet',
  description: "Convolutions for images in TypeScript: from d2l's corr2d to a trainable CNN, as correct as PyTorch.",
  lang: 'en-US',
  cleanUrls: true,
  lastUpdated: false,
  appearance: true, // light and dark themes, with a switch in the nav bar
  ignoreDeadLinks: false,
  head: [['link', { rel: 'icon', href: '/logo.svg', type: 'image/svg+xml' }]],
  markdown: { math: false, lineNumbers: false },
  themeConfig: {
    logo: '/logo.svg',
    nav: [
      { text: 'Guides', link: '/guide/tensors', activeMatch: '^/guide/' },
      { text: 'API', link: '/api/', activeMatch: '^/api/' },
      { text: 'Playground', link: '/playground' },
    ],
    sidebar: {
      '/guide/': guide,
      '/playground': guide,
      '/api/': [{ text: 'API reference', items: apiSidebar() }],
    },
    search: { provider: 'local' },
    outline: { level: [2, 3] },
    footer: { message: 'MIT licensed. Numbers checked against PyTorch.' },
  },
  vite: {
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@torchlet/source'] } },
    // The packages are workspace links to TypeScript sources: let Vite compile them, never pre-bundle.
    optimizeDeps: {
      exclude: ['@torchlet/kernels', '@torchlet/tensor', '@torchlet/ops', '@torchlet/autograd', '@torchlet/nn'],
    },
    build: { chunkSizeWarningLimit: 2000 },
    // Cross-origin isolation, so the playground can share WebAssembly memory with Web Workers and
    // run the kernels on every core. A static host must send the same two headers (see the
    // performance guide); without them the site still works, on one thread.
    server: { headers: ISOLATION_HEADERS },
    preview: { headers: ISOLATION_HEADERS },
  },
});
