import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Device, getBackendInfo, ready } from '@torchlet/tensor';
import { exercises, findExercise } from './registry.js';
import { heatmapPng } from './render/heatmap.js';
import { renderText } from './render/text.js';
import { type Block, checksOf, type Exercise, type ExerciseResult } from './report.js';
import { SECTIONS, sectionOf } from './sections.js';

/** Where the CLI writes (tests pass collectors; the binary passes process.stdout/stderr). */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Parsed command line. */
export interface CliOptions {
  readonly list: boolean;
  readonly only: readonly string[];
  readonly json: boolean;
  readonly png: string | null;
  readonly long: boolean;
  readonly device: Device;
  readonly help: boolean;
}

const USAGE = `Usage: pnpm start -- [--list] [--only <id>[,<id>...]] [--json] [--png <dir>] [--long] [--device <cpu|webgpu>]

Runs the d2l chapter "Convolutional Neural Networks" (${SECTIONS.map((s) => `"${s.title}"`).join(', ')})
and the exercises of both editions with torchlet, printing for each item the TypeScript that ran
and its results as PyTorch prints them.

  --list          list the exercise ids and exit
  --only <id>     run only these exercises (repeatable, or comma-separated)
  --json          print machine-readable results instead of text
  --png <dir>     also write a heatmap PNG of every printed tensor under <dir>
  --long          the long training runs (LeNet: 8,000 digits and 10 epochs per network instead of 4,000 and 1)
  --device <d>    where the exercises' tensors live: cpu (default) or webgpu (results are read back with await x.cpu())
  --help          show this help`;

/** Thrown for a bad command line: the message is shown with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses argv (without node and the script). A leading `--` (from `pnpm start --`) is ignored. */
export function parseArgs(argv: readonly string[]): CliOptions {
  let list = false;
  let json = false;
  let help = false;
  let long = false;
  let png: string | null = null;
  let device: Device = 'cpu';
  const only: string[] = [];
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const v = args[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`option ${flag} needs a value`);
      i++;
      return v;
    };
    switch (flag) {
      case '--list':
        list = true;
        break;
      case '--json':
        json = true;
        break;
      case '--long':
        long = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      case '--only':
        for (const id of takeValue().split(',')) if (id.length > 0) only.push(id);
        break;
      case '--png':
        png = takeValue();
        break;
      case '--device': {
        const d = takeValue();
        if (d !== 'cpu' && d !== 'webgpu') throw new UsageError(`--device must be cpu or webgpu, got ${d}`);
        device = d;
        break;
      }
      default:
        throw new UsageError(
          a.startsWith('-') ? `unknown option ${a}` : `unexpected argument ${a} (did you mean --only ${a}?)`,
        );
    }
  }
  const unknown = only.filter((id) => findExercise(id) === undefined);
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown exercise id${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${exercises.map((e) => e.id).join(', ')})`,
    );
  }
  return { list, only, json, png, long, device, help };
}

/** A tensor block as JSON: shape, dtype, values and the printed form. */
function blockJson(block: Block): unknown {
  if (block.kind !== 'tensor') return block;
  const t = block.tensor;
  return {
    kind: 'tensor',
    name: block.name,
    shape: [...t.shape],
    dtype: t.dtype,
    values: t.toArray(),
    printed: t.toString(),
  };
}

/** The JSON document of `--json`. */
export function resultsJson(results: readonly ExerciseResult[]): unknown {
  const failed = results.flatMap((r) => checksOf(r).filter((c) => !c.check.pass));
  return {
    passed: failed.length === 0,
    exercises: results.map((r) => ({ ...r, items: r.items.map((i) => ({ ...i, blocks: i.blocks.map(blockJson) })) })),
  };
}

/** File-name-safe form of a label. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'tensor'
  );
}

/** Writes a heatmap of every tensor block; returns the paths written. */
export function writePngs(results: readonly ExerciseResult[], dir: string): string[] {
  const written: string[] = [];
  for (const r of results) {
    const sub = join(dir, r.id);
    mkdirSync(sub, { recursive: true });
    r.items.forEach((item, i) => {
      let n = 0;
      for (const b of item.blocks) {
        if (b.kind !== 'tensor' || b.tensor.numel === 0) continue;
        n++;
        const path = join(
          sub,
          `${String(i + 1).padStart(2, '0')}-${item.key}-${String(n).padStart(2, '0')}-${slug(b.name)}.png`,
        );
        writeFileSync(path, heatmapPng(b.tensor));
        written.push(path);
      }
    });
  }
  return written;
}

/**
 * Runs the CLI; resolves to the exit code (0 ok, 1 a check failed, an exercise threw or the device
 * could not be prepared, 2 usage).
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`error: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (opts.list) {
    const width = Math.max(...exercises.map((e) => e.id.length));
    const lines = SECTIONS.flatMap((s) => [
      `${s.title} (${s.url})`,
      ...exercises
        .filter((e) => e.section === s.id)
        .map(
          (e) => `  ${e.id.padEnd(width)}  ${e.part.padEnd(8)}  ${e.title}\n  ${' '.repeat(width + 12)}${e.summary}`,
        ),
    ]);
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  }
  if (opts.device === 'webgpu') {
    try {
      await ready({ device: 'webgpu' }); // rejects with a TorchletError saying why when there is no adapter
    } catch (e) {
      io.stderr(`error: --device webgpu: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
      return 1;
    }
    const { vendor, architecture } = getBackendInfo().webgpu;
    if (!opts.json) io.stdout(`device: webgpu (${vendor} ${architecture})\n\n`);
  }
  const selected: Exercise[] =
    opts.only.length > 0 ? exercises.filter((e) => opts.only.includes(e.id)) : [...exercises];
  const results: ExerciseResult[] = [];
  let crashed = false;
  let section: string | null = null;
  let printed = false; // something was printed since the last banner: separate the next exercise
  for (const ex of selected) {
    if (!opts.json && ex.section !== section) {
      section = ex.section;
      const s = sectionOf(ex.section);
      const banner = `d2l: ${s.title}  (${s.url})`;
      io.stdout(`${printed ? '\n\n' : ''}${'#'.repeat(banner.length)}\n${banner}\n${'#'.repeat(banner.length)}\n\n`);
      printed = false;
    }
    let result: ExerciseResult;
    if (!opts.json && opts.device !== 'cpu' && ex.cpuOnly !== undefined)
      io.stdout(`note: [${ex.id}] runs on the cpu: ${ex.cpuOnly}\n\n`);
    try {
      result = await ex.run({ long: opts.long, device: opts.device });
    } catch (e) {
      crashed = true;
      io.stderr(`error: exercise ${ex.id} threw: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
      continue;
    }
    results.push(result);
    if (!opts.json) {
      io.stdout(`${printed ? '\n\n' : ''}${renderText(result, String(exercises.indexOf(ex) + 1))}\n`);
      printed = true;
    }
  }
  if (opts.json) io.stdout(`${JSON.stringify(resultsJson(results), null, 2)}\n`);
  if (opts.png !== null) {
    const written = writePngs(results, resolve(opts.png));
    io.stderr(`wrote ${written.length} PNG heatmaps under ${resolve(opts.png)}\n`);
  }
  const failed = results.flatMap((r) =>
    checksOf(r)
      .filter((c) => !c.check.pass)
      .map((c) => `${r.id}/${c.key}: ${c.check.label}`),
  );
  const total = results.reduce((n, r) => n + checksOf(r).length, 0);
  if (failed.length > 0) {
    io.stderr(`${failed.length} of ${total} checks FAILED:\n${failed.map((f) => `  ${f}`).join('\n')}\n`);
    return 1;
  }
  if (!opts.json)
    io.stdout(`\nAll ${total} checks passed in ${results.length} exercise${results.length === 1 ? '' : 's'}.\n`);
  return crashed ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
}
