// Serves the built site (.vitepress/dist) as it will be deployed, under the same base path, with
// the COOP/COEP headers of scripts/isolation.mjs: `pnpm preview [--port N]`.
// Vite's preview server rather than `vitepress preview`, which takes no plugins and no headers.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { preview } from 'vite';
import { crossOriginIsolation } from './isolation.mjs';
import { siteBase } from './site-base.mjs';

const docsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });

const server = await preview({
  configFile: false,
  root: docsDir,
  base: siteBase(),
  appType: 'mpa', // `/guide/tensors` -> guide/tensors.html, as VitePress's cleanUrls expects
  logLevel: 'warn',
  build: { outDir: '.vitepress/dist' },
  preview: { port: values.port ? Number(values.port) : 4173, strictPort: true, host: values.host ?? '127.0.0.1' },
  plugins: [crossOriginIsolation()],
});
const url = server.resolvedUrls?.local[0] ?? '';
// One line a script can wait for: the browser test reads it.
console.log(`preview: ${url}`);
