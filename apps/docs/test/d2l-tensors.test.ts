// The tensors the d2l walk-through prints and draws (<TensorView>) are the book's, as PyTorch
// computes them (tools/test-utils/golden/d2l.json), with the colour scale their kind needs.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { rowsOf, SHOWN } from '../.vitepress/theme/d2l/tensors.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
interface GT {
  shape: number[];
  data: number[];
}
const d2l = JSON.parse(readFileSync(join(repoRoot, 'tools/test-utils/golden/d2l.json'), 'utf8')).cases as {
  edge: { X: GT; Y: GT };
  diagonal: { X: GT; Y: GT };
};

describe('the d2l walk-through’s tensors', () => {
  test('the edge image and its output are the book’s', () => {
    expect(SHOWN['edge.X'].build().toTypedArray()).toEqual(Float32Array.from(d2l.edge.X.data));
    expect(SHOWN['edge.Y'].build().shape).toEqual(d2l.edge.Y.shape);
    expect(Array.from(SHOWN['edge.Y'].build().toTypedArray(), Number)).toEqual(d2l.edge.Y.data);
    expect(Array.from(SHOWN['diag.Y'].build().toTypedArray(), Number)).toEqual(d2l.diagonal.Y.data);
    expect(rowsOf(SHOWN['corr.Y'].build())).toEqual([
      [19, 25],
      [37, 43],
    ]);
  });

  test('images are drawn in grey, outputs in the diverging map', () => {
    for (const [name, shown] of Object.entries(SHOWN)) {
      const values = shown.build().toTypedArray();
      const image = name.endsWith('.X') && values.every((v) => v === 0 || v === 1);
      if (image) expect(shown.scale, name).toBe('grey');
      if (values.some((v) => v < 0)) expect(shown.scale, name).toBe('diverging');
    }
  });

  test('the printed form is PyTorch’s', () => {
    expect(SHOWN['corr.Y'].build().toString()).toBe('tensor([[19., 25.],\n        [37., 43.]])');
  });
});
