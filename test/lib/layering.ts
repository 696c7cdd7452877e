import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Which internal packages each layer may depend on (DESIGN.md's layer table). */
export const allowedDependencies: Readonly<Record<string, readonly string[]>> = {
  '@torchlet/kernels': [],
  '@torchlet/webgpu': [],
  '@torchlet/tensor': ['@torchlet/kernels', '@torchlet/webgpu'],
  '@torchlet/ops': ['@torchlet/kernels', '@torchlet/tensor', '@torchlet/webgpu'],
  '@torchlet/autograd': ['@torchlet/tensor', '@torchlet/ops'],
  '@torchlet/nn': ['@torchlet/kernels', '@torchlet/tensor', '@torchlet/autograd'],
  '@torchlet/onnx': ['@torchlet/tensor', '@torchlet/ops', '@torchlet/autograd', '@torchlet/nn'],
  '@torchlet/vision': ['@torchlet/tensor', '@torchlet/ops', '@torchlet/autograd', '@torchlet/nn'],
};

/** Private helpers every package's tests may use (never its published sources). */
const testOnly = new Set(['@torchlet/test-utils']);

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(ts|tsx|js|mjs|cts|mts)$/.test(name)) out.push(path);
  }
  return out;
}

const importPattern =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

/** Every module specifier a source file imports or re-exports. */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(importPattern)) found.push(m[1] ?? m[2] ?? m[3]);
  return found;
}

/**
 * Checks the packages under `packagesDir` against {@link allowedDependencies}: their package.json
 * dependencies, and every import in their files. Returns one line per violation (empty = clean).
 */
export function checkLayering(packagesDir: string): string[] {
  const problems: string[] = [];
  for (const dirName of readdirSync(packagesDir)) {
    const pkgDir = join(packagesDir, dirName);
    let manifest: {
      name: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    try {
      manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const allowed = allowedDependencies[manifest.name];
    if (!allowed) {
      problems.push(`${dirName}: ${manifest.name} is not a known layer`);
      continue;
    }
    for (const field of ['dependencies', 'peerDependencies', 'devDependencies'] as const) {
      for (const dep of Object.keys(manifest[field] ?? {})) {
        if (!dep.startsWith('@torchlet/')) continue;
        if (allowed.includes(dep) || (field === 'devDependencies' && testOnly.has(dep))) continue;
        problems.push(`${manifest.name} ${field} names ${dep}, which is not a layer below it`);
      }
    }
    const sourceDirs = ['src', 'test'].map((d) => join(pkgDir, d)).filter((d) => existsSync(d));
    for (const file of sourceDirs.flatMap((d) => walk(d))) {
      const rel = relative(packagesDir, file);
      const isTest = /\.test\.ts$|[\\/]test[\\/]/.test(file);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('@torchlet/')) {
          const [scope, name, ...rest] = spec.split('/');
          const target = `${scope}/${name}`;
          if (rest[0] === 'src') problems.push(`${rel} imports ${spec}: another package's src/ by path`);
          if (target === manifest.name) continue;
          if (allowed.includes(target) || (isTest && testOnly.has(target))) continue;
          problems.push(`${rel} imports ${spec}, which is not a layer below ${manifest.name}`);
        } else if (spec.startsWith('.')) {
          // A relative import must stay inside its own package.
          const resolved = relative(pkgDir, join(file, '..', spec));
          if (resolved.startsWith('..')) problems.push(`${rel} imports ${spec}: a path outside its package`);
        }
      }
    }
  }
  return problems;
}
