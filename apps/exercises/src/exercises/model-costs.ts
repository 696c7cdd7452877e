import { Conv2d, Linear, type Module } from '@torchlet/nn';
import type { Tensor } from '@torchlet/tensor';
import { summary } from '@torchlet/vision';

/** Parameters and multiply-adds of each top-level block of a model, for one input (on the model's device). */
export interface BlockCost {
  readonly name: string;
  readonly type: string;
  readonly params: number;
  readonly macs: number;
}

/**
 * Where the parameters are and where the compute goes: every Conv2d and Linear inside the model
 * does (its weight count) multiply-adds per output position; summed per top-level block.
 */
// #region snippet block-costs
export function blockCosts(model: Module, X: Tensor): BlockCost[] {
  const rows = summary(model, X.shape, { depth: 10, input: X }).rows; // every block, down to the layers
  const modules = new Map(model.namedModules());
  const blocks = rows
    .filter((r) => r.depth === 1)
    .map((r) => ({ name: r.name, type: r.type, params: r.params, macs: 0 }));
  for (const row of rows) {
    const layer = modules.get(row.name);
    if (!(layer instanceof Conv2d || layer instanceof Linear) || row.outputShape === null) continue;
    const positions = layer instanceof Conv2d ? row.outputShape[2] * row.outputShape[3] : 1;
    const block = blocks.find((b) => b.name === row.name.split('.')[0]);
    if (block) block.macs += layer.weight.data.numel * positions;
  }
  return blocks;
}
// #endregion

/** A table of block costs with each block's share of the total. */
export function costTable(costs: readonly BlockCost[]): string {
  const params = costs.reduce((s, c) => s + c.params, 0);
  const macs = costs.reduce((s, c) => s + c.macs, 0);
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1).padStart(5)}%`;
  const width = Math.max(...costs.map((c) => `${c.name} (${c.type})`.length));
  return [
    `${'block'.padEnd(width)}  ${'parameters'.padStart(12)}         ${'multiply-adds'.padStart(14)}`,
    ...costs.map(
      (c) =>
        `${`${c.name} (${c.type})`.padEnd(width)}  ${c.params.toLocaleString('en-US').padStart(12)} ${pct(c.params, params)}  ${c.macs.toLocaleString('en-US').padStart(14)} ${pct(c.macs, macs)}`,
    ),
    `${'total'.padEnd(width)}  ${params.toLocaleString('en-US').padStart(12)}         ${macs.toLocaleString('en-US').padStart(14)}`,
  ].join('\n');
}

/** Sum of a field over the blocks whose name passes `pick`. */
export function total(
  costs: readonly BlockCost[],
  field: 'params' | 'macs',
  pick: (c: BlockCost) => boolean = () => true,
): number {
  return costs.filter(pick).reduce((s, c) => s + c[field], 0);
}
