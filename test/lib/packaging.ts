import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

/** Packs the package in `pkgDir` with `tool` into `destination` and returns the tarball's path. */
export function pack(pkgDir: string, destination: string, tool: 'pnpm' | 'npm' = 'pnpm'): string {
  const before = new Set(readdirSync(destination));
  execFileSync(tool, ['pack', '--pack-destination', destination], { cwd: pkgDir, stdio: 'pipe' });
  const created = readdirSync(destination).filter((f) => f.endsWith('.tgz') && !before.has(f));
  if (created.length !== 1)
    throw new Error(`pack: expected one new tarball from ${pkgDir}, found ${created.join(', ')}`);
  return join(destination, created[0]);
}

/** publint's errors and warnings for a tarball, formatted (suggestions are left out). */
export async function lintTarball(tarball: string): Promise<string[]> {
  const bytes = readFileSync(tarball);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const { messages, pkg } = await publint({ pack: { tarball: buffer }, level: 'warning', strict: true });
  return messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
}

/**
 * Installs tarballs into an empty folder with plain npm (no workspace) and runs `script` there as
 * an ES module. Returns the script's standard output; throws with its standard error on failure.
 */
export function installAndRun(folder: string, tarballs: readonly string[], script: string): string {
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', ...tarballs], {
    cwd: folder,
    stdio: 'pipe',
  });
  writeFileSync(join(folder, 'smoke.mjs'), script);
  return execFileSync(process.execPath, ['smoke.mjs'], { cwd: folder, stdio: 'pipe', encoding: 'utf8' });
}

/** The file names inside a tarball (`package/...`). */
export function tarballFiles(tarball: string): string[] {
  return execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
}

/** The package.json a tarball publishes. */
export function tarballManifest(tarball: string): Record<string, unknown> {
  return JSON.parse(execFileSync('tar', ['xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}
