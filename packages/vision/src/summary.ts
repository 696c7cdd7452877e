import { noGrad } from '@torchlet/autograd';
import { type AnyModule, isModule } from '@torchlet/nn';
import { fail, formatShape, formatValue, rand, type Tensor } from '@torchlet/tensor';

/**
 * One row of a {@link ModelSummary}: a block of the model, the shape it produced and its
 * parameter count.
 *
 * @example
 * ```ts
 * import { lenet, summary, type SummaryRow } from '@torchlet/vision';
 * const row: SummaryRow = summary(lenet(), [1, 1, 28, 28]).rows[0];
 * [row.name, row.type, row.outputShape, row.params]; // -> ['0', 'Conv2d', [1, 6, 28, 28], 156]
 * ```
 */
export interface SummaryRow {
  /** Dotted name of the block (`layer1`, `features.3`). */
  readonly name: string;
  /** Its class name. */
  readonly type: string;
  /** Nesting depth (1 for the model's children). */
  readonly depth: number;
  /** The shape of its output on the summary's input (of its last call, if called more than once). */
  readonly outputShape: readonly number[] | null;
  /** Parameters it owns, its children's included. */
  readonly params: number;
}

/**
 * What {@link summary} returns: the rows, the totals, and `toString()` as a table.
 *
 * @example
 * ```ts
 * import { lenet, summary, type ModelSummary } from '@torchlet/vision';
 * const s: ModelSummary = summary(lenet(), [1, 1, 28, 28]);
 * [s.totalParams, s.outputShape]; // -> [61706, [1, 10]]
 * ```
 */
export interface ModelSummary {
  readonly rows: readonly SummaryRow[];
  /** Every parameter of the model, counted once. */
  readonly totalParams: number;
  /** Parameters with `requiresGrad`. */
  readonly trainableParams: number;
  /** The model's output shape. */
  readonly outputShape: readonly number[];
  /** The rows as an aligned table, with the totals. */
  toString(): string;
}

/**
 * Options of {@link summary}.
 *
 * @example
 * ```ts
 * import { resnet18, summary, type SummaryOptions } from '@torchlet/vision';
 * const options: SummaryOptions = { depth: 2 };
 * summary(resnet18({ numClasses: 10 }), [1, 3, 32, 32], options).rows[4].name; // -> 'layer1'
 * ```
 */
export interface SummaryOptions {
  /** How deep to list blocks: 1 lists the model's children, 2 also their children. Default `1`. */
  readonly depth?: number;
  /** The input values. Default: uniform random values of `inputShape` (as the book's `torch.rand`). */
  readonly input?: Tensor;
}

function outputShapeOf(out: unknown): readonly number[] | null {
  if (typeof out === 'object' && out !== null && Array.isArray((out as { shape?: unknown }).shape))
    return (out as { shape: readonly number[] }).shape;
  return null;
}

/**
 * Runs `model` on one input of `inputShape` and reports each block's output shape and parameter
 * count: the book's `for layer in net: X = layer(X); print(layer.__class__.__name__, 'output
 * shape:', X.shape)` loop, for any model (blocks are observed as the model's own `forward` calls
 * them). Runs in evaluation mode without gradients and restores the training flags.
 *
 * Shapes: `inputShape` is the model's input, e.g. `[1, 3, 224, 224]`.
 *
 * @param model - The network to describe.
 * @param inputShape - The shape of one input, batch included, e.g. `[1, 3, 224, 224]`.
 * @param options - `depth` (default `1`) and `input` (default: uniform random values); see
 *   {@link SummaryOptions}.
 * @returns One row per layer (type, output shape, parameter count) and the totals; `toString()` prints the
 *   table.
 * @see https://d2l.ai/chapter_convolutional-neural-networks/lenet.html
 * @example
 * ```ts
 * import { lenet, summary } from '@torchlet/vision';
 * const s = summary(lenet(), [1, 1, 28, 28]);
 * s.rows.map((r) => `${r.type} ${r.outputShape?.join('x')}`).slice(0, 3); // -> ['Conv2d 1x6x28x28', 'Sigmoid 1x6x28x28', 'AvgPool2d 1x6x14x14']
 * s.toString().split('\n')[0]; // -> 'Layer (type)                Output shape            Param #'
 * ```
 */
export function summary(model: AnyModule, inputShape: readonly number[], options: SummaryOptions = {}): ModelSummary {
  if (!isModule(model)) fail('summary', 'model', 'expected a Module');
  if (!Array.isArray(inputShape) || !inputShape.every((s) => Number.isInteger(s) && s >= 1))
    fail('summary', 'inputShape', `expected a shape of positive integers, got ${formatValue(inputShape)}`);
  const depth = options.depth ?? 1;
  if (!Number.isInteger(depth) || depth < 1)
    fail('summary', 'depth', `depth must be a positive integer, got ${formatValue(depth)}`);
  const firstParam = model.parameters()[0];
  const dtype = firstParam?.dtype === 'float64' ? 'float64' : 'float32';
  const input = options.input ?? rand([...inputShape], { dtype });
  if (options.input !== undefined && formatShape(options.input.shape) !== formatShape(inputShape))
    fail(
      'summary',
      'input',
      `input ${formatShape(options.input.shape)} does not have inputShape ${formatShape(inputShape)}`,
    );

  const blocks = model
    .namedModules()
    .filter(([name]) => name !== '' && name.split('.').length <= depth)
    .map(([name, m]) => ({ name, m, depth: name.split('.').length, shape: null as readonly number[] | null }));
  const modes = model.modules().map((m) => [m, m.training] as const);
  const patched: AnyModule[] = [];
  let output: unknown;
  try {
    model.eval();
    for (const b of blocks) {
      const original = b.m.forward;
      Object.defineProperty(b.m, 'forward', {
        configurable: true,
        enumerable: false,
        writable: true,
        value: (...args: never[]) => {
          const out = original.apply(b.m, args);
          b.shape = outputShapeOf(out);
          return out;
        },
      });
      patched.push(b.m);
    }
    output = noGrad(() => (model.forward as (x: Tensor) => unknown)(input));
  } finally {
    for (const m of patched) delete (m as unknown as Record<string, unknown>).forward;
    for (const [m, training] of modes) m.training = training;
  }
  const count = (m: AnyModule): number => m.parameters().reduce((n, p) => n + p.numel, 0);
  const rows: SummaryRow[] = blocks.map((b) => ({
    name: b.name,
    type: b.m.constructor.name,
    depth: b.depth,
    outputShape: b.shape,
    params: count(b.m),
  }));
  const params = model.parameters();
  const totalParams = params.reduce((n, p) => n + p.numel, 0);
  const trainableParams = params.filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel, 0);
  const outputShape = outputShapeOf(output) ?? [];
  return {
    rows,
    totalParams,
    trainableParams,
    outputShape,
    toString: () => formatTable(rows, totalParams, trainableParams),
  };
}

function formatTable(rows: readonly SummaryRow[], total: number, trainable: number): string {
  const fmt = (n: number): string => n.toLocaleString('en-US');
  const lines = [`${'Layer (type)'.padEnd(28)}${'Output shape'.padEnd(24)}Param #`];
  lines.push('='.repeat(64));
  for (const r of rows) {
    const label = `${'  '.repeat(r.depth - 1)}${r.name} (${r.type})`;
    const shape = r.outputShape === null ? '-' : `[${r.outputShape.join(', ')}]`;
    lines.push(`${label.padEnd(28)}${shape.padEnd(24)}${fmt(r.params)}`);
  }
  lines.push('='.repeat(64));
  lines.push(`Total params: ${fmt(total)}`);
  lines.push(`Trainable params: ${fmt(trainable)}`);
  lines.push(`Non-trainable params: ${fmt(total - trainable)}`);
  return lines.join('\n');
}
