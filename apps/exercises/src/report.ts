import { type Device, Tensor } from '@torchlet/tensor';
import type { SectionId } from './sections.js';
import { snippetSource } from './snippets.js';

/** Prose: what the item shows and why. */
export interface TextBlock {
  readonly kind: 'text';
  readonly text: string;
}
/** The TypeScript that ran: a `// #region snippet <name>` block of the exercise's source file. */
export interface CodeBlock {
  readonly kind: 'code';
  readonly snippet: string;
  readonly code: string;
}
/** A tensor the code produced, printed as PyTorch prints it. */
export interface TensorBlock {
  readonly kind: 'tensor';
  readonly name: string;
  readonly tensor: Tensor;
}
/** A computed number, list of numbers or short string with the line that shows it. */
export interface ValueBlock {
  readonly kind: 'value';
  readonly name: string;
  readonly value: number | string | boolean | readonly number[];
  readonly text: string;
}
/** A claim the app verified: `pass` says whether it held. */
export interface CheckBlock {
  readonly kind: 'check';
  readonly label: string;
  readonly pass: boolean;
  readonly detail: string;
}
/** An error the code raised on purpose (caught and shown). */
export interface ErrorBlock {
  readonly kind: 'error';
  readonly label: string;
  readonly errorName: string;
  readonly message: string;
}
export type Block = TextBlock | CodeBlock | TensorBlock | ValueBlock | CheckBlock | ErrorBlock;

/** One headed part of an exercise: a book listing or one question of an exercise. */
export interface Item {
  /** Short id, unique within the exercise (used in PNG file names and by tests). */
  readonly key: string;
  readonly heading: string;
  readonly blocks: readonly Block[];
}

/** Which part of its d2l section an exercise belongs to: the text, its exercises, or beyond both. */
export type Part = 'section' | 'exercise' | 'beyond';

/** How an exercise runs: `long` turns on the long training runs (`--long`), `device` says where its tensors live (`--device`). */
export interface RunOptions {
  readonly long: boolean;
  readonly device: Device;
  /**
   * Overrides the LeNet training budget that `long` picks (tests train a few batches to compare
   * devices; a software GPU adapter takes seconds per batch).
   */
  readonly budget?: {
    readonly trainSize: number;
    readonly epochs: number;
    readonly batchSize: number;
    readonly lr: number;
    readonly testSize?: number;
  };
}

/** What `pnpm start` runs by default: every exercise, short training runs, on the CPU. */
export const DEFAULT_RUN: RunOptions = { long: false, device: 'cpu' };

/** Everything one exercise computed. */
export interface ExerciseResult {
  readonly id: string;
  readonly title: string;
  readonly part: Part;
  readonly items: readonly Item[];
}

/** An entry of the registry. */
export interface Exercise {
  readonly id: string;
  readonly title: string;
  /** The d2l section it belongs to. */
  readonly section: SectionId;
  readonly part: Part;
  /** One line for `--list`. */
  readonly summary: string;
  /**
   * Why the exercise runs on the CPU whatever `--device` says (printed as a note under `--device
   * webgpu`); absent when its code runs on the selected device.
   */
  readonly cpuOnly?: string;
  /** Runs the exercise; with `device: 'webgpu'` its code runs there and results are read back with `await x.cpu()`. */
  run(options?: RunOptions): Promise<ExerciseResult>;
}

/** The source text of a snippet; throws if the name is not a region in src/exercises. */
export function snippet(name: string): string {
  const code = snippetSource(name);
  if (code === undefined)
    throw new Error(`no snippet named ${JSON.stringify(name)} in src/exercises (run the snippets script)`);
  return code;
}

/** Collects the blocks of one item. */
export class ItemBuilder {
  readonly blocks: Block[] = [];
  constructor(
    readonly key: string,
    readonly heading: string,
  ) {}

  text(text: string): this {
    this.blocks.push({ kind: 'text', text });
    return this;
  }
  /** Shows the named snippet (the function that the item then calls). */
  code(name: string): this {
    this.blocks.push({ kind: 'code', snippet: name, code: snippet(name) });
    return this;
  }
  tensor(name: string, tensor: Tensor): this {
    this.blocks.push({ kind: 'tensor', name, tensor });
    return this;
  }
  /** A value printed as `text` (default `name = value`). */
  value(name: string, value: ValueBlock['value'], text?: string): this {
    const shown = Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
    this.blocks.push({ kind: 'value', name, value, text: text ?? `${name} = ${shown}` });
    return this;
  }
  /**
   * Off the CPU, a printed note (`[cpu] ...`) that the item's next step runs on the CPU and why (an
   * op without a GPU kernel, or float64, which WebGPU lacks); on the CPU nothing, so the CPU's
   * output is unchanged.
   */
  cpuNote(device: Device, why: string): this {
    if (device !== 'cpu') this.blocks.push({ kind: 'text', text: `[cpu] On ${device}, ${why}.` });
    return this;
  }
  check(label: string, pass: boolean, detail = ''): this {
    this.blocks.push({ kind: 'check', label, pass, detail });
    return this;
  }
  /** Runs `fn`, which must throw: records the error, or a failed check when nothing is thrown. */
  error(label: string, fn: () => unknown): this {
    try {
      fn();
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      this.blocks.push({ kind: 'error', label, errorName: err.name, message: err.message });
      return this;
    }
    return this.check(`${label}: expected an error`, false, 'no error was thrown');
  }
}

/** Collects the items of one exercise. */
export class Report {
  private readonly items: ItemBuilder[] = [];
  constructor(
    readonly id: string,
    readonly title: string,
    readonly part: Part,
  ) {}

  item(key: string, heading: string): ItemBuilder {
    if (this.items.some((i) => i.key === key)) throw new Error(`${this.id}: item ${key} defined twice`);
    const b = new ItemBuilder(key, heading);
    this.items.push(b);
    return b;
  }

  /** The items, with every tensor block read back to the CPU (reading a GPU tensor is asynchronous). */
  async result(): Promise<ExerciseResult> {
    const items: Item[] = [];
    for (const b of this.items) {
      const blocks: Block[] = [];
      for (const block of b.blocks)
        blocks.push(block.kind === 'tensor' ? { ...block, tensor: await block.tensor.cpu() } : block);
      items.push({ key: b.key, heading: b.heading, blocks });
    }
    return { id: this.id, title: this.title, part: this.part, items };
  }
}

/** A value with every tensor in it (deeply, through arrays and plain objects) replaced by its CPU copy. */
export type OnCpu<T> = T extends Tensor
  ? Tensor
  : T extends readonly unknown[]
    ? { [K in keyof T]: OnCpu<T[K]> }
    : T extends Record<string, unknown>
      ? { [K in keyof T]: OnCpu<T[K]> }
      : T;

/**
 * Reads every tensor of a snippet's result back to the CPU (`await t.cpu()`; CPU tensors are kept
 * as they are), so the app's own checks can use the synchronous readers on whatever device the
 * snippet ran. Arrays and plain objects are copied; class instances (modules, variables) are kept.
 */
export async function toCpu<T>(value: T): Promise<OnCpu<T>> {
  if (value instanceof Tensor) return (await value.cpu()) as OnCpu<T>;
  if (Array.isArray(value)) return (await Promise.all(value.map((v) => toCpu(v)))) as OnCpu<T>;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await toCpu(v);
    return out as OnCpu<T>;
  }
  return value as OnCpu<T>;
}

/** The largest absolute elementwise difference of two same-shape tensors (for check details). */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  if (a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) return Number.POSITIVE_INFINITY;
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(Number(x[i]) - Number(y[i]));
    if (!(d <= m)) m = d; // NaN propagates as the max
  }
  return m;
}

/** Looks up an item of a result by key (tests and renderers). */
export function itemOf(result: ExerciseResult, key: string): Item {
  const item = result.items.find((i) => i.key === key);
  if (item === undefined)
    throw new Error(`${result.id} has no item ${key} (items: ${result.items.map((i) => i.key).join(', ')})`);
  return item;
}

/** Looks up a tensor block of an item by name. */
export function tensorOf(result: ExerciseResult, key: string, name: string): Tensor {
  const block = itemOf(result, key).blocks.find((b): b is TensorBlock => b.kind === 'tensor' && b.name === name);
  if (block === undefined) throw new Error(`${result.id}/${key} has no tensor ${name}`);
  return block.tensor;
}

/** Looks up a value block of an item by name. */
export function printedValue(result: ExerciseResult, key: string, name: string): ValueBlock['value'] {
  const block = itemOf(result, key).blocks.find((b): b is ValueBlock => b.kind === 'value' && b.name === name);
  if (block === undefined) throw new Error(`${result.id}/${key} has no value ${name}`);
  return block.value;
}

/** Every check of a result, with its item key. */
export function checksOf(result: ExerciseResult): { key: string; check: CheckBlock }[] {
  return result.items.flatMap((i) =>
    i.blocks.filter((b): b is CheckBlock => b.kind === 'check').map((check) => ({ key: i.key, check })),
  );
}
