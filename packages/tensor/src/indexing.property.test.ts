import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { get, type IndexItem, set, slice } from './indexing.js';
import { Tensor } from './tensor.js';

// Reference: Python's indexing rules written out element by element over float64 arrays, on
// tensors with arbitrary (permuted, offset, stepped) layouts built directly from storage.

type RefItem =
  | { k: 'int'; i: number }
  | { k: 'slice'; start: number | null; stop: number | null; step: number }
  | { k: 'new' }
  | { k: 'ell' };

interface Case {
  shape: number[];
  perm: number[]; // storage order of the dimensions (a permuted layout)
  steps: number[]; // extra stride multipliers, making the base non-contiguous
  offset: number;
  items: RefItem[];
}

const arbItem: fc.Arbitrary<RefItem> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -5, max: 5 }).map((i): RefItem => ({ k: 'int', i })) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.option(fc.integer({ min: -6, max: 6 })),
        fc.option(fc.integer({ min: -6, max: 6 })),
        fc.integer({ min: 1, max: 3 }),
      )
      .map(([start, stop, step]): RefItem => ({ k: 'slice', start, stop, step })),
  },
  { weight: 1, arbitrary: fc.constant<RefItem>({ k: 'new' }) },
);

const arbCase: fc.Arbitrary<Case> = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    perm: fc.shuffledSubarray(
      shape.map((_, i) => i),
      { minLength: shape.length, maxLength: shape.length },
    ),
    steps: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: shape.length, maxLength: shape.length }),
    offset: fc.integer({ min: 0, max: 3 }),
    items: fc
      .tuple(fc.array(arbItem, { maxLength: 5 }), fc.option(fc.nat()))
      .map(([items, ell]) =>
        ell === null
          ? items
          : [
              ...items.slice(0, ell % (items.length + 1)),
              { k: 'ell' } as RefItem,
              ...items.slice(ell % (items.length + 1)),
            ],
      ),
  }),
);

/** A tensor with values 1..numel in row-major order stored through a permuted, strided layout. */
function makeBase(c: Case): { t: Tensor; storageLength: number } {
  const ndim = c.shape.length;
  const strides = new Array<number>(ndim).fill(0);
  let span = 1;
  for (let j = ndim - 1; j >= 0; j--) {
    const d = c.perm[j];
    strides[d] = span * c.steps[d];
    span *= Math.max(c.shape[d], 1) * c.steps[d];
  }
  const storageLength = c.offset + span + 2;
  const data = new Float64Array(storageLength).fill(-1);
  const t = new Tensor(data, c.shape, strides, c.offset);
  forEachIndex(c.shape, (idx, flat) => {
    data[storageOffset(t, idx)] = flat + 1;
  });
  return { t, storageLength };
}

function forEachIndex(shape: readonly number[], fn: (idx: number[], flat: number) => void): void {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    fn(idx, flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

function storageOffset(t: Tensor, idx: readonly number[]): number {
  let o = t.offset;
  for (let d = 0; d < idx.length; d++) o += idx[d] * t.strides[d];
  return o;
}

type RefResult =
  | { ok: true; shape: number[]; source: (outIdx: readonly number[]) => number[] }
  | { ok: false; error: RegExp };

/** What Python/PyTorch does: the output shape and, for each output index, the input index. */
function reference(shape: readonly number[], items: readonly RefItem[]): RefResult {
  const consuming = items.filter((it) => it.k === 'int' || it.k === 'slice').length;
  if (consuming > shape.length)
    return { ok: false, error: new RegExp(`too many indices for tensor of dimension ${shape.length}`) };
  // Each '...' stands for ndim - consuming dimensions (PyTorch); a second one's lie past the end.
  const expanded: (RefItem | { k: 'gone' })[] = [];
  let pos = 0;
  for (const it of items) {
    if (it.k === 'ell') {
      for (let n = 0; n < shape.length - consuming; n++, pos++)
        expanded.push(pos < shape.length ? { k: 'slice', start: null, stop: null, step: 1 } : { k: 'gone' });
    } else {
      expanded.push(it);
      if (it.k === 'int' || it.k === 'slice') pos++;
    }
  }
  while (expanded.filter((it) => it.k !== 'new').length < shape.length)
    expanded.push({ k: 'slice', start: null, stop: null, step: 1 });
  // For each output dim: which input dim it reads and the list of input positions.
  const outShape: number[] = [];
  const outPick: (number[] | null)[] = []; // null: a new axis
  const outDim: number[] = [];
  const fixed: [number, number][] = [];
  let d = 0;
  for (const it of expanded) {
    if (it.k === 'new') {
      outShape.push(1);
      outPick.push(null);
      outDim.push(-1);
    } else if (it.k === 'gone') {
      d++;
    } else if (it.k === 'int') {
      const size = shape[d] ?? 0;
      if (it.i >= size || it.i < -size) {
        return { ok: false, error: new RegExp(`index ${it.i} is out of bounds for dimension ${d} with size ${size}`) };
      }
      fixed.push([d, it.i < 0 ? it.i + size : it.i]);
      d++;
    } else if (it.k === 'slice') {
      if (d >= shape.length)
        return { ok: false, error: new RegExp(`too many indices for tensor of dimension ${shape.length}`) };
      const size = shape[d];
      // Python: slice(start, stop, step).indices(size) for a positive step
      let start = it.start ?? 0;
      if (start < 0) start = Math.max(0, start + size);
      start = Math.min(start, size);
      let stop = it.stop ?? size;
      if (stop < 0) stop = Math.max(0, stop + size);
      stop = Math.min(stop, size);
      const picks: number[] = [];
      for (let i = start; i < stop; i += it.step) picks.push(i);
      outShape.push(picks.length);
      outPick.push(picks);
      outDim.push(d);
      d++;
    }
  }
  return {
    ok: true,
    shape: outShape,
    source: (outIdx) => {
      const src = new Array<number>(shape.length).fill(0);
      for (const [dim, i] of fixed) src[dim] = i;
      outIdx.forEach((i, od) => {
        const picks = outPick[od];
        if (picks) src[outDim[od]] = picks[i];
      });
      return src;
    },
  };
}

function toStructured(items: readonly RefItem[]): IndexItem[] {
  return items.map((it) =>
    it.k === 'int' ? it.i : it.k === 'slice' ? slice(it.start, it.stop, it.step) : it.k === 'new' ? null : '...',
  );
}

function toIndexString(items: readonly RefItem[]): string {
  return items
    .map((it) =>
      it.k === 'int'
        ? String(it.i)
        : it.k === 'slice'
          ? `${it.start ?? ''}:${it.stop ?? ''}${it.step === 1 ? '' : `:${it.step}`}`
          : it.k === 'new'
            ? 'None'
            : '...',
    )
    .join(', ');
}

describe('get/set match Python indexing on arbitrary layouts (property)', () => {
  it('get: shape, values and zero-copy for structured and string indices', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const { t } = makeBase(c);
        const ref = reference(c.shape, c.items);
        const structured = toStructured(c.items);
        const str = toIndexString(c.items);
        if (!ref.ok) {
          expect(() => get(t, structured)).toThrowError(ref.error);
          if (str !== '') expect(() => get(t, str)).toThrowError(ref.error);
          return;
        }
        const views = str === '' ? [get(t, structured)] : [get(t, structured), get(t, str)];
        for (const v of views) {
          expect(v.shape).toEqual(ref.shape);
          expect(v.data).toBe(t.data);
          forEachIndex(ref.shape, (outIdx) => {
            expect(v.data[storageOffset(v, outIdx)]).toBe(t.data[storageOffset(t, ref.source(outIdx))]);
          });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('set: writes exactly the indexed elements (scalar, broadcast or aliasing tensor values)', () => {
    const arbValueKind = fc.record({
      kind: fc.constantFrom('scalar', 'broadcast', 'alias'),
      ones: fc.array(fc.boolean(), { maxLength: 6 }),
      drop: fc.nat({ max: 3 }),
      extraLead: fc.boolean(),
      aliasOffset: fc.nat(),
      scalar: fc.double({ min: -100, max: 100, noNaN: true }),
    });
    fc.assert(
      fc.property(arbCase, arbValueKind, (c, vk) => {
        const { t, storageLength } = makeBase(c);
        const ref = reference(c.shape, c.items);
        if (!ref.ok) return;
        const region = ref.shape;
        const before = Float64Array.from(t.data, Number);
        const expected = Float64Array.from(t.data, Number);
        const regionSize = region.reduce((a, b) => a * b, 1);
        let value: Tensor | number;
        let valueAt: (outIdx: readonly number[]) => number;
        if (vk.kind === 'scalar') {
          value = vk.scalar;
          valueAt = () => vk.scalar;
        } else if (vk.kind === 'broadcast') {
          // drop leading dims, set some to 1, maybe add a leading 1: always broadcastable
          const kept = region.slice(Math.min(vk.drop, region.length));
          const vShape = kept.map((s, i) => (vk.ones[i] ? 1 : s));
          const fullShape = vk.extraLead ? [1, ...vShape] : vShape;
          const n = vShape.reduce((a, b) => a * b, 1);
          const vdata = new Float32Array(n).map((_, i) => (i + 1) * 0.1 - 7); // float32 source, float64 target
          value = new Tensor(vdata, fullShape);
          const vStrides = (value as Tensor).strides.slice(vk.extraLead ? 1 : 0);
          const lead = region.length - vShape.length;
          valueAt = (outIdx) => {
            let o = 0;
            for (let i = 0; i < vShape.length; i++) if (vShape[i] !== 1) o += outIdx[lead + i] * vStrides[i];
            return vdata[o];
          };
        } else {
          // a contiguous view of the same storage with the region's shape (may overlap the target)
          if (regionSize > storageLength) return;
          const off = vk.aliasOffset % (storageLength - regionSize + 1);
          const alias = new Tensor(t.data, region, undefined, off);
          value = alias;
          valueAt = (outIdx) => before[storageOffset(alias, outIdx)];
        }
        forEachIndex(region, (outIdx) => {
          expected[storageOffset(t, ref.source(outIdx))] = valueAt(outIdx);
        });
        const version = t.version;
        set(t, toStructured(c.items), value);
        expect(t.version).toBe(version + 1);
        expect(Array.from(t.data, Number)).toEqual(Array.from(expected));
      }),
      { numRuns: 150 },
    );
  });
});
