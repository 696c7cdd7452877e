// Every runtime export of every package, found at run time: each package.json's exports map
// (its "@torchlet/source" entries), imported from source as the packages' own tests do.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/** One callable export: `package/subpath`, its name, the value, and whether it is a class. */
export interface Callable {
  readonly module: string;
  readonly name: string;
  readonly value: (...args: unknown[]) => unknown;
  readonly isClass: boolean;
}

/** The source entry points of every package: `['@torchlet/nn/node', '/abs/packages/nn/src/node.ts']`. */
export function entryPoints(): [string, string][] {
  const out: [string, string][] = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    let manifest: { name?: string; exports?: Record<string, unknown> };
    try {
      manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    } catch {
      continue; // a folder without a package.json is no package
    }
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const source =
        typeof target === 'object' && target !== null ? (target as Record<string, unknown>)['@torchlet/source'] : null;
      if (typeof source !== 'string' || !source.endsWith('.ts')) continue;
      // A package still being written may declare an entry point it does not have yet.
      if (!existsSync(join(root, 'packages', dir, source))) continue;
      out.push([`${manifest.name}${subpath === '.' ? '' : subpath.slice(1)}`, join(root, 'packages', dir, source)]);
    }
  }
  return out;
}

const isClass = (f: unknown): boolean =>
  typeof f === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(f));

/** Every function and class a module exports, and those of the plain namespace objects it exports (`init`). */
export function callables(module: string, namespace: Record<string, unknown>): Callable[] {
  const out: Callable[] = [];
  for (const [name, value] of Object.entries(namespace).sort(([a], [b]) => a.localeCompare(b))) {
    if (typeof value === 'function') {
      out.push({ module, name, value: value as Callable['value'], isClass: isClass(value) });
    } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      for (const [inner, f] of Object.entries(value)) {
        if (typeof f === 'function') {
          out.push({ module, name: `${name}.${inner}`, value: f as Callable['value'], isClass: isClass(f) });
        }
      }
    } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === null) {
      // an `import * as` namespace re-exported as a value
      for (const [inner, f] of Object.entries(value)) {
        if (typeof f === 'function') {
          out.push({ module, name: `${name}.${inner}`, value: f as Callable['value'], isClass: isClass(f) });
        }
      }
    }
  }
  return out;
}
