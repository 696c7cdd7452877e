/** A one-line text progress bar: `epoch 1/5 [#########.........]  70/125  loss 0.4213`. */
export function progressLine(label: string, done: number, total: number, loss: number, width = 30): string {
  const filled = Math.round((done / total) * width);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  const count = `${String(done).padStart(String(total).length)}/${total}`;
  return `${label} [${bar}] ${count}  loss ${loss.toFixed(4)}`;
}
