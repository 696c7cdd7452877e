import { createRequire } from 'node:module';
import type { onnx as OnnxNs } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { GRAD_SUFFIX, netLabel, netOutShape, netWorkloads, tfjsWasmHasGrad } from '../src/bench-nets.js';
import { netsHeader } from '../src/nets-table.js';
import { onnxModel } from '../src/onnx-model.js';
import { NET_BATCHES, NET_LAYERS } from '../src/shapes.js';

const { onnx } = createRequire(import.meta.url)('onnx-proto') as { onnx: typeof OnnxNs };

describe('the nets family', () => {
  it("covers the issue's shape families at batch 1 and 8", () => {
    const families = new Set(NET_LAYERS.map((l) => l.family));
    for (const f of [
      'depthwise 3x3',
      'pointwise 1x1',
      '1x1 stride 2',
      '3x3 stride 2',
      '7x7 stem',
      'grouped 3x3',
      'dilated 3x3',
      'max-pool 3x3 s2',
      'global avg pool',
      'BN + ReLU (eval)',
    ]) {
      expect(families.has(f)).toBe(true);
    }
    expect(NET_BATCHES).toEqual([1, 8]);
    // MobileNetV2's depthwise shapes: 32 to 960 channels, 112x112 down to 7x7, both strides.
    const dws = NET_LAYERS.filter((l) => l.family === 'depthwise 3x3');
    expect(Math.min(...dws.map((l) => l.input[1]))).toBe(32);
    expect(Math.max(...dws.map((l) => l.input[1]))).toBe(960);
    expect(new Set(dws.map((l) => (l.kind === 'conv' ? l.stride : 0)))).toEqual(new Set([1, 2]));
  });

  it('computes output shapes and labels with PyTorch’s formula', () => {
    const stem = NET_LAYERS.find((l) => l.family === '7x7 stem');
    expect(stem && netOutShape(stem)).toEqual([1, 64, 112, 112]);
    expect(stem && netLabel(stem)).toBe('[1,3,224,224] * [64,3,7,7] s2 p3');
    const pool = NET_LAYERS.find((l) => l.kind === 'maxpool');
    expect(pool && netOutShape(pool)).toEqual([1, 64, 56, 56]);
    const gap = NET_LAYERS.find((l) => l.kind === 'gap');
    expect(gap && netOutShape(gap)).toEqual([1, 512, 1, 1]);
  });

  it('builds ONNX models that decode back with the official schema', () => {
    const w = new Float32Array([1, 2, 3, 4]);
    const bytes = onnxModel(
      [1, 1, 3, 3],
      [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { kernel_shape: [2, 2], group: 1 } }],
      [{ name: 'w', dims: [1, 1, 2, 2], data: w }],
    );
    const m = onnx.ModelProto.decode(bytes);
    expect(Number(m.opsetImport[0]?.version)).toBe(17);
    const g = m.graph as OnnxNs.GraphProto;
    expect(g.node[0]?.opType).toBe('Conv');
    expect((g.node[0]?.attribute ?? []).map((a) => a.name)).toEqual(['kernel_shape', 'group']);
    expect(Array.from(new Float32Array(Uint8Array.from(g.initializer[0]?.rawData ?? []).buffer))).toEqual([1, 2, 3, 4]);
    expect(g.input[0].type?.tensorType?.shape?.dim?.map((d) => Number(d.dimValue))).toEqual([1, 1, 3, 3]);
  });

  it('quotes torchlet against tfjs-wasm and onnxruntime-web on 1 thread and every core', () => {
    const h = netsHeader();
    for (const c of ['1t vs tfjs-wasm', '1t vs ort-1t', 'all vs tfjs-wasm', 'all vs ort-all']) expect(h).toContain(c);
  });
});

describe('the nets family’s gradients', () => {
  it('has input and weight gradients of every conv layer, tfjs-wasm only where it has the kernel', () => {
    const ws = netWorkloads();
    const convs = NET_LAYERS.filter((l) => l.kind === 'conv').length * NET_BATCHES.length;
    const inputs = ws.filter((w) => w.name.endsWith(GRAD_SUFFIX.input));
    const weights = ws.filter((w) => w.name.endsWith(GRAD_SUFFIX.weight));
    expect([inputs.length, weights.length]).toEqual([convs, convs]);
    for (const w of [...inputs, ...weights]) {
      expect(w.contenders.map((c) => c.name)).toEqual(['torchlet-wasm-1t', 'torchlet-wasm', 'tfjs-wasm']);
      expect(w.flops).toBeGreaterThan(0);
    }
    const layer = (family: string) => {
      const l = NET_LAYERS.find((x) => x.family === family);
      if (l?.kind !== 'conv') throw new Error(family);
      return l;
    };
    expect(tfjsWasmHasGrad(layer('3x3 stride 2'), 'input')).toBe(true);
    expect(tfjsWasmHasGrad(layer('pointwise 1x1'), 'input')).toBe(true);
    expect(tfjsWasmHasGrad(layer('depthwise 3x3'), 'input')).toBe(false);
    expect(tfjsWasmHasGrad(layer('grouped 3x3'), 'input')).toBe(false);
    expect(tfjsWasmHasGrad(layer('dilated 3x3'), 'input')).toBe(false);
    expect(tfjsWasmHasGrad(layer('3x3'), 'weight')).toBe(false);
  });
});
