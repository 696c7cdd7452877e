// A tiny HTTP server for the benchmark page: a fixed table of in-memory files (the page, its
// bundle, the WebAssembly binaries), sent with the headers that make the page cross-origin
// isolated (so both libraries may start worker threads on shared memory) and `application/wasm`
// (what `WebAssembly.compileStreaming` needs). Nothing else is served: no directory is exposed.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One served file. */
export interface ServedFile {
  readonly type: string;
  readonly body: string | Uint8Array;
}

/** Content types by extension. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
};

/** The content type of a path by its extension (`application/octet-stream` when unknown). */
export function contentType(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot >= 0 ? CONTENT_TYPES[path.slice(dot)] : undefined) ?? 'application/octet-stream';
}

/** The headers that make a page cross-origin isolated (`crossOriginIsolated === true`). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/**
 * Serves `files` (URL path -> file) on 127.0.0.1 at a free port, every response with the
 * isolation headers and `cache-control: no-store`; anything else is a 404.
 */
export async function serveFiles(files: ReadonlyMap<string, ServedFile>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0].split('#')[0];
    const file = files.get(path);
    const headers = { ...ISOLATION_HEADERS, 'cache-control': 'no-store' };
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': file.type });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

/** Closes a server started by {@link serveFiles}. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
