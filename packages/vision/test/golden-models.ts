// The shared body of the model golden tests (one test file per model family, so vitest runs
// them in parallel): each model against torchvision 0.14 (test/torchvision-golden.py).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { noGrad, type Variable } from '@torchlet/autograd';
import type { AnyModule } from '@torchlet/nn';
import { Generator, type Tensor } from '@torchlet/tensor';
import { describe, expect, it } from 'vitest';
import { fillModel, formulaInput } from './fill.js';

interface ModelGolden {
  readonly inputShape: number[];
  readonly modules: [string, string][];
  readonly stateDict: [string, number[]][];
  readonly logits: { shape: number[]; data: number[] };
}
const file = fileURLToPath(new URL('./golden/models.json', import.meta.url));
const golden = JSON.parse(readFileSync(file, 'utf8')) as { models: Record<string, ModelGolden> };

/** The options every golden model is built with (torchvision's side uses num_classes=10). */
export const goldenOptions = (): { numClasses: number; generator: Generator } => ({
  numClasses: 10,
  generator: new Generator(0),
});

// torchvision's private class names, as torchlet exports them.
const classNames: Record<string, string> = {
  _DenseLayer: 'DenseLayer',
  _DenseBlock: 'DenseBlock',
  _Transition: 'Transition',
};

/**
 * Tests model `name` (built by `build`): its module tree and its state dict's keys, order and
 * shapes; with `logits`, also its eval-mode logits for formula-filled weights.
 */
export function describeGoldenModel(name: string, build: () => AnyModule, { logits = true } = {}): void {
  describe(`${name} against torchvision`, () => {
    const g = golden.models[name];
    let model: AnyModule;

    // Building a VGG initialises 10^8 weights: minutes on a loaded 2-core machine.
    const slow = { timeout: 600_000 };

    it('has the module tree and the state dict (keys, order, shapes)', slow, () => {
      expect(g, `no golden data for ${name}`).toBeDefined();
      model = build();
      expect(model.namedModules().map(([n, m]) => [n, m.constructor.name])).toEqual(
        g.modules.map(([n, type]) => [n, classNames[type] ?? type]),
      );
      const dict = model.stateDict();
      expect(Object.entries(dict).map(([k, t]) => [k, t.shape])).toEqual(g.stateDict);
      for (const [k, t] of Object.entries(dict)) {
        if (k.endsWith('num_batches_tracked'))
          expect([t.dtype, t.shape]).toEqual(['int64', []]); // torch.long, as PyTorch
        else expect(t.dtype).toBe('float32');
      }
    });

    if (!logits) return;
    it('gives the eval-mode logits for the same weights', slow, () => {
      fillModel(model);
      model.eval();
      const forward = model.forward as (x: Tensor) => Variable;
      const out = noGrad(() => forward.call(model, formulaInput(g.inputShape)));
      expect(out.shape).toEqual(g.logits.shape);
      const actual = Array.from(out.data.toTypedArray() as Float32Array);
      const scale = Math.max(...g.logits.data.map(Math.abs));
      actual.forEach((v, i) => {
        expect(Math.abs(v - g.logits.data[i]), `logit ${i}: ${v} vs ${g.logits.data[i]}`).toBeLessThanOrEqual(
          2e-4 * scale + 1e-5,
        );
      });
      // The logits depend on the input: the rows of a batch differ.
      const c = g.logits.shape[1];
      if (g.logits.shape[0] > 1) expect(actual.slice(0, c)).not.toEqual(actual.slice(c, 2 * c));
    });
  });
}
