import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The base path the site is built for and served under: `TORCHLET_DOCS_BASE=/torchlet/` for a
// project page (https://<owner>.github.io/torchlet/), `/` (the default) for a site of its own.

/** @param {string | undefined} [raw] @returns {string} `/`, or `/a/b/` with both slashes */
export function siteBase(raw = process.env.TORCHLET_DOCS_BASE) {
  const trimmed = (raw ?? '').trim().replace(/^\/+|\/+$/g, '');
  if (trimmed && !/^[\w.~-]+(\/[\w.~-]+)*$/.test(trimmed)) {
    throw new Error(`TORCHLET_DOCS_BASE must be a URL path like /torchlet/, got ${JSON.stringify(raw)}`);
  }
  return trimmed ? `/${trimmed}/` : '/';
}

/**
 * The repository the site links to (nav icon, edit links, the API reference's source links):
 * `TORCHLET_DOCS_REPO`, else the root package.json's `repository`, else the project's default.
 * @param {string} repoRoot @returns {string} an https URL without a trailing slash
 */
export function repositoryUrl(repoRoot) {
  const fromEnv = process.env.TORCHLET_DOCS_REPO;
  if (fromEnv) return fromEnv.replace(/\/+$/, '');
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const raw = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  if (raw) return raw.replace(/^git\+/, '').replace(/\.git$/, '');
  return 'https://github.com/torchlet/torchlet';
}

/** The branch edit and source links point at: `TORCHLET_DOCS_BRANCH`, else main. */
export function repositoryBranch() {
  return process.env.TORCHLET_DOCS_BRANCH ?? 'main';
}
