import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm', // what WebAssembly.compileStreaming needs
};

/** The file a URL path maps to, VitePress `cleanUrls` style (`/a` -> `a.html` or `a/index.html`). */
function resolveFile(root: string, urlPath: string): string | null {
  let p: string;
  try {
    p = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  const base = normalize(join(root, p));
  if (base !== root && !base.startsWith(root + sep)) return null; // no escaping the root
  for (const candidate of [base, `${base}.html`, join(base, 'index.html')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/**
 * Serves `root` under the URL path `base` on 127.0.0.1 at a free port, as a plain static host
 * does (GitHub Pages: no COOP/COEP headers); resolves to the server and the site's URL (with the
 * base, without its trailing slash). With `isolated` it sends the COOP/COEP headers too.
 */
export async function serveStatic(
  root: string,
  { isolated = false, base = '/' }: { isolated?: boolean; base?: string } = {},
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const file = url.startsWith(base) ? resolveFile(root, `/${url.slice(base.length)}`) : null;
    const status = file ? 200 : 404;
    const body = file ?? join(root, '404.html');
    res.writeHead(status, {
      'content-type': TYPES[extname(body)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      ...(isolated
        ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
        : {}),
    });
    createReadStream(body).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}${base.replace(/\/$/, '')}` };
}
