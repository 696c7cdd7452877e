// Compiles assembly/ (entry assembly/index.ts) to dist/*.wasm with AssemblyScript (pinned in devDependencies).
// Used by `pnpm build` and by the vitest global setup (tests run from src/ and load dist/gemm.wasm).
//   node scripts/build-wasm.mjs            build when a source is newer than its .wasm
//   node scripts/build-wasm.mjs --force    always build
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Flags shared by every module: SIMD on, fully optimised, no runtime, no asserts, no imports. */
const common = ['-O3', '--runtime', 'stub', '--noAssert', '--use', 'abort=', '--initialMemory', '1'];

/**
 * The modules: source, output, extra flags. gemm.wasm owns its memory (browsers, single thread);
 * gemm-mt.wasm imports a shared memory (`env.memory`, up to 4 GiB) that Node worker threads
 * instantiate the same module on, to split one product between threads.
 */
export const targets = [
  { source: 'assembly/index.ts', output: 'dist/gemm.wasm', flags: ['--enable', 'simd'] },
  {
    source: 'assembly/index.ts',
    output: 'dist/gemm-mt.wasm',
    flags: ['--enable', 'simd,threads', '--importMemory', '--sharedMemory', '--maximumMemory', '65536'],
  },
];

function mtime(path) {
  try {
    return statSync(join(root, path)).mtimeMs;
  } catch {
    return -1;
  }
}

/** Builds every stale target (or all with `force`); throws with the compiler's output on failure. */
export async function buildWasm(force = false) {
  const sources = readdirSync(join(root, 'assembly')).filter((f) => f.endsWith('.ts'));
  const newest = Math.max(...sources.map((f) => mtime(`assembly/${f}`)), mtime('scripts/build-wasm.mjs'));
  for (const t of targets) {
    if (!force && mtime(t.output) >= newest) continue;
    mkdirSync(join(root, dirname(t.output)), { recursive: true });
    let log = '';
    const stream = {
      write: (s) => {
        log += s;
        return true;
      },
    };
    const { error } = await asc.main([join(root, t.source), '-o', join(root, t.output), ...common, ...t.flags], {
      stdout: stream,
      stderr: stream,
      baseDir: root,
    });
    if (error) throw new Error(`asc failed for ${t.source}: ${error.message}\n${log}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildWasm(process.argv.includes('--force'));
}
