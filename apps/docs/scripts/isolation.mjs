// Cross-origin isolation for the site's own servers: every response, HTML pages included, carries
// COOP/COEP, so the playground gets SharedArrayBuffer and runs the kernels on Web Workers.
// A Vite plugin rather than `server.headers`/`preview.headers` because VitePress's dev server
// answers HTML pages itself (without `server.headers`) and `vitepress preview` is not Vite's
// preview server (it ignores `preview.headers`): a middleware registered first covers both.

/** The response headers that make a page cross-origin isolated (`crossOriginIsolated === true`). */
export const ISOLATION_HEADERS = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
});

/** @param {import('node:http').ServerResponse} res */
function setIsolationHeaders(res) {
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
}

/** @returns {import('vite').Plugin} */
export function crossOriginIsolation() {
  /** @type {import('vite').Connect.NextHandleFunction} */
  const middleware = (_req, res, next) => {
    setIsolationHeaders(res);
    next();
  };
  return {
    name: 'torchlet:cross-origin-isolation',
    // Registered directly (not in a returned post hook), so it runs before every other middleware.
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}
