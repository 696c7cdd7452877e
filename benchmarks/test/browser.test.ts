// The browser benchmark's pure parts: command line, workload list and labels, tfjs's thread cap,
// the two-load table, and the server's headers. No browser, no timing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convWorkloads, forwardBackwardFlops } from '../src/bench-conv.js';
import { netLabel, netOutShape, netWorkloads } from '../src/bench-nets.js';
import {
  browserCheckCell,
  browserTableHeader,
  browserTableRow,
  mergeLoads,
  ortThreadWarnings,
  pageOptions,
  parseBrowserArgs,
  renderBrowserTable,
} from '../src/browser/report.js';
import { closeServer, contentType, ISOLATION_HEADERS, serveFiles } from '../src/browser/server.js';
import {
  BROWSER_WORKLOADS,
  convGeometry,
  convShape,
  describeWorkload,
  netConvLabel,
  netConvLayer,
  netConvOutShape,
  PAGE_LOADS,
  tfjsThreadCap,
} from '../src/browser/spec.js';
import {
  type ContenderName,
  type ContenderResult,
  FULL_OPTIONS,
  QUICK_OPTIONS,
  type WorkloadResult,
} from '../src/harness.js';
import { CONV_SHAPES } from '../src/shapes.js';
import { WHOLE_NET_WORKLOADS, wholeNetCases, wholeNetShape } from '../src/wholenets.js';

describe('command line', () => {
  it('reads --quick, --runs and --match, ignoring a lone --', () => {
    expect(parseBrowserArgs([])).toEqual({ quick: false, match: [] });
    expect(parseBrowserArgs(['--', '--quick', '--runs', '5', '--match', 'matmul,LeNet'])).toEqual({
      quick: true,
      runs: 5,
      match: ['matmul', 'LeNet'],
    });
    expect(parseBrowserArgs(['--runs=3', '--match=resnet'])).toEqual({ quick: false, runs: 3, match: ['resnet'] });
    expect(parseBrowserArgs(['--help'])).toBe('help');
  });

  it('rejects unknown arguments, bad run counts and an empty --match', () => {
    expect(() => parseBrowserArgs(['--only', 'conv'])).toThrow(/unknown argument --only/);
    expect(() => parseBrowserArgs(['--runs', '0'])).toThrow(/positive integer/);
    expect(() => parseBrowserArgs(['--runs', 'x'])).toThrow(/positive integer/);
    expect(() => parseBrowserArgs(['--match', ','])).toThrow(/--match/);
  });

  it("uses the Node suite's full and quick settings; --runs wins", () => {
    expect(pageOptions({ quick: false, match: [] })).toEqual(FULL_OPTIONS);
    expect(pageOptions({ quick: true, match: [] })).toEqual(QUICK_OPTIONS);
    expect(pageOptions({ quick: true, runs: 7, match: [] })).toEqual({ ...QUICK_OPTIONS, runs: 7, runsFromCli: true });
  });
});

describe('workloads', () => {
  it('measures matmul 1024³, two conv forwards, the ResNet input gradient and forward+backward, two networks, then nets layers', () => {
    const names = BROWSER_WORKLOADS.map(describeWorkload).map((w) => `${w.name} | ${w.shape}`);
    expect(names.slice(0, 7)).toEqual([
      'matmul | [1024,1024] @ [1024,1024]',
      'conv2d forward | LeNet conv1 [64,1,28,28] * [6,1,5,5] pad 2',
      'conv2d forward | ResNet block [8,64,56,56] * [64,64,3,3] pad 1',
      'conv2d backward input | ResNet block [8,64,56,56] * [64,64,3,3] pad 1',
      'conv2d forward+backward | ResNet block [8,64,56,56] * [64,64,3,3] pad 1',
      'forward (eval, noGrad) | ResNet-18 [1,3,224,224]',
      'forward (eval, noGrad) | MobileNetV2 [1,3,224,224]',
    ]);
    expect(BROWSER_WORKLOADS.slice(7).every((w) => w.op === 'net conv')).toBe(true);
  });

  it("labels the nets layers, their families and FLOPs as the Node nets family's batch-1 rows", () => {
    const node = netWorkloads();
    const layers = BROWSER_WORKLOADS.filter((w) => w.op === 'net conv');
    expect(layers.map((w) => `${describeWorkload(w).name} | ${describeWorkload(w).shape}`)).toEqual([
      'depthwise 3x3 | [1,144,56,56] * [144,1,3,3] p1 g144',
      'depthwise 3x3 | [1,144,56,56] * [144,1,3,3] s2 p1 g144',
      'pointwise 1x1 | [1,24,56,56] * [144,24,1,1]',
      '3x3 stride 2 | [1,64,56,56] * [128,64,3,3] s2 p1',
      '7x7 stem | [1,3,224,224] * [64,3,7,7] s2 p3',
    ]);
    for (const w of layers) {
      const d = describeWorkload(w);
      const twin = node.find((n) => n.name === d.name && n.shape === d.shape);
      expect(twin, d.shape).toBeDefined();
      expect([d.family, d.flops]).toEqual([twin?.family, twin?.flops]);
      if (w.op === 'net conv') {
        expect(netConvLabel(w.layer)).toBe(netLabel(w.layer));
        expect(netConvOutShape(w.layer)).toEqual(netOutShape(w.layer));
      }
    }
    expect(() => netConvLayer('depthwise 3x3', 7, 7)).toThrow(/no depthwise 3x3 conv/);
  });

  it('labels the networks as the Node wholenets family does, batch 1 of its forward cases', () => {
    const node = wholeNetCases().forward.filter((c) => c.batch === 1);
    const nets = BROWSER_WORKLOADS.filter((w) => w.op === 'wholenet forward');
    expect(nets.map((w) => describeWorkload(w).shape)).toEqual(node.map(wholeNetShape));
    for (const w of nets) {
      expect(describeWorkload(w).name).toBe(WHOLE_NET_WORKLOADS.forward);
      expect(describeWorkload(w).family).toBe('wholenets');
      expect(describeWorkload(w).flops).toBeUndefined();
    }
  });

  it("labels, families and FLOPs match the Node suite's workloads", () => {
    const node = convWorkloads();
    for (const spec of BROWSER_WORKLOADS) {
      const w = describeWorkload(spec);
      if (spec.op === 'wholenet forward' || spec.op === 'net conv') continue; // their own tests
      if (spec.op === 'matmul') {
        expect(w.flops).toBe(2 * 1024 ** 3);
        continue;
      }
      const twin = node.find((n) => n.name === w.name && n.shape === w.shape);
      expect(twin, `${w.name} ${w.shape}`).toBeDefined();
      expect(w.family).toBe(twin?.family);
      expect(w.flops).toBe(twin?.flops);
    }
    const resnet = convGeometry(convShape('ResNet block'));
    expect(describeWorkload({ op: 'conv2d forward+backward', conv: 'ResNet block' }).flops).toBe(
      forwardBackwardFlops(resnet.flops),
    );
  });

  it("gives tfjs 'same' padding where it keeps the size and 'valid' without padding", () => {
    for (const s of CONV_SHAPES) {
      const g = convGeometry(s);
      expect(g.tfPad).toBe(s.padding[0] === 0 ? 'valid' : 'same');
    }
    expect(convGeometry(convShape('ResNet block')).outShape).toEqual([8, 64, 56, 56]);
    expect(() => convGeometry({ label: 'odd', input: [1, 1, 8, 8], weight: [1, 1, 3, 3], padding: [1, 2] })).toThrow(
      /asymmetric padding/,
    );
    expect(() => convShape('AlexNet')).toThrow(/no conv shape/);
  });
});

describe('page loads and tfjs threads', () => {
  it("caps tfjs's pool at half the logical cores, between 1 and 8", () => {
    expect(tfjsThreadCap(1)).toBe(1);
    expect(tfjsThreadCap(2)).toBe(1);
    expect(tfjsThreadCap(8)).toBe(4);
    expect(tfjsThreadCap(64)).toBe(8);
  });

  it('runs tfjs and ort on every core beside both torchlet configurations, then on one thread beside one', () => {
    expect(PAGE_LOADS.map((l) => [l.id, l.tfjsThreads, l.torchlet, l.ortThreads, l.ort])).toEqual([
      ['threaded', 'cores', ['torchlet-wasm-1t', 'torchlet-wasm'], 'cores', ['ort-wasm']],
      ['single', 1, ['torchlet-wasm-1t'], 1, ['ort-wasm-1t']],
    ]);
  });
});

function result(name: ContenderName, medianMs: number | null, relDiff: number | null = 0): ContenderResult {
  return {
    name,
    status: medianMs === null ? 'no-kernel' : 'ok',
    samplesMs: medianMs === null ? [] : Array(10).fill(medianMs),
    reps: 1,
    medianMs,
    minMs: medianMs,
    relIqr: 0,
    gflops: medianMs === null ? null : 2e6 / (medianMs * 1e6),
    peakRssMB: null,
    relDiff: medianMs === null ? null : relDiff,
    metric: null,
  };
}

function workload(name: string, results: ContenderResult[]): WorkloadResult {
  const speedup: Record<string, Record<string, number | null>> = {};
  for (const a of results) {
    speedup[a.name] = {};
    for (const b of results)
      if (a !== b)
        speedup[a.name][b.name] = a.medianMs !== null && b.medianMs !== null ? b.medianMs / a.medianMs : null;
  }
  return {
    family: 'conv',
    name,
    shape: '[2]',
    flops: 2e6,
    metric: null,
    settings: { runs: 10, warmupMs: 0, slowCallMs: 0, budgetMs: 0 },
    results,
    speedup,
    reference: 'torchlet-wasm-1t',
    processMaxRssMB: 0,
  };
}

describe('the two-load table', () => {
  const threaded = [
    workload('fwd', [
      result('torchlet-wasm-1t', 4),
      result('torchlet-wasm', 2),
      result('tfjs-wasm', 3, 1e-6),
      result('ort-wasm', 2.5, 1e-6),
    ]),
    workload('fwd+bwd', [
      result('torchlet-wasm-1t', 9),
      result('torchlet-wasm', 5),
      result('tfjs-wasm', null),
      result('ort-wasm', null),
    ]),
  ];
  const single = [
    workload('fwd', [result('torchlet-wasm-1t', 4.4), result('tfjs-wasm', 8.8, 2e-3), result('ort-wasm-1t', 3.3)]),
    workload('fwd+bwd', [result('torchlet-wasm-1t', 10), result('tfjs-wasm', null), result('ort-wasm-1t', null)]),
  ];
  const rows = mergeLoads(threaded, single);
  const h = browserTableHeader(2, 2);

  it('pairs the loads by workload and quotes each ratio within its own load', () => {
    expect(rows.map((r) => r.name)).toEqual(['fwd', 'fwd+bwd']);
    const row = browserTableRow(rows[0]);
    expect(h).toContain('tfjs-wasm (2 threads)');
    expect(browserTableHeader(1)).toContain('tfjs-wasm (1 thread)');
    expect(row[h.indexOf('1t vs tfjs-wasm')]).toBe('0.75x');
    expect(row[h.indexOf('all vs tfjs-wasm')]).toBe('1.50x');
    expect(row[h.indexOf('1t vs tfjs-wasm-1t')]).toBe('2.00x');
    expect(row[h.indexOf('torchlet-wasm-1t (load 2)')]).toBe('4.40 ms');
    expect(row[h.indexOf('best torchlet GFLOP/s')]).toBe('1.00 (all)');
    expect(row[h.indexOf('1t vs ort')]).toBe('0.63x');
    expect(row[h.indexOf('all vs ort')]).toBe('1.25x');
    expect(row[h.indexOf('ort-wasm-1t (load 2)')]).toBe('3.30 ms');
    expect(row[h.indexOf('1t vs ort-wasm-1t')]).toBe('0.75x');
    // load 1 has no one-thread onnxruntime-web (its pool is every core): no such column
    expect(h.filter((c) => c.startsWith('ort-wasm-1t'))).toEqual(['ort-wasm-1t (load 2)']);
  });

  it("names both peers' load-1 thread counts in their columns", () => {
    expect(browserTableHeader(2, 2)).toContain('ort-wasm (2 threads)');
    expect(browserTableHeader(1, 1)).toContain('ort-wasm (1 thread)');
    expect(browserTableHeader(null)).toContain('ort-wasm');
    expect(renderBrowserTable(rows, 2, 2).split('\n')[0]).toContain('| ort-wasm (2 threads) |');
  });

  it("shows tfjs's missing kernel as n/a in both loads", () => {
    const row = browserTableRow(rows[1]);
    expect(row[h.indexOf('tfjs-wasm (2 threads)')]).toBe('n/a (no kernel)');
    expect(row[h.indexOf('tfjs-wasm-1t (load 2)')]).toBe('n/a (no kernel)');
    expect(row[h.indexOf('all vs tfjs-wasm')]).toBe('n/a');
    expect(row[h.indexOf('1t vs tfjs-wasm-1t')]).toBe('n/a');
    expect(row[h.indexOf('ort-wasm (2 threads)')]).toBe('n/a (no kernel)');
    expect(row[h.indexOf('ort-wasm-1t (load 2)')]).toBe('n/a (no kernel)');
    expect(row[h.indexOf('all vs ort')]).toBe('n/a');
    expect(row[h.indexOf('1t vs ort-wasm-1t')]).toBe('n/a');
  });

  it('checks agreement over both loads: the worst difference decides', () => {
    expect(browserCheckCell(rows[0])).toBe('MISMATCH 2.0e-3');
    expect(browserCheckCell(rows[1])).toBe('ok (0e+0)');
    expect(browserCheckCell(mergeLoads(threaded.slice(0, 1), [])[0])).toBe('ok (1e-6)');
  });

  it('keeps a workload that only one load measured', () => {
    const only = mergeLoads([], single.slice(0, 1));
    const row = browserTableRow(only[0]);
    expect(row[h.indexOf('torchlet-wasm-1t')]).toBe('-');
    expect(row[h.indexOf('1t vs tfjs-wasm')]).toBe('n/a');
    expect(row[h.indexOf('1t vs tfjs-wasm-1t')]).toBe('2.00x');
    expect(renderBrowserTable(rows, 2).split('\n')).toHaveLength(4);
  });
});

describe('server', () => {
  let url = '';
  let server: Awaited<ReturnType<typeof serveFiles>>['server'] | undefined;
  beforeAll(async () => {
    const wasm = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
    ({ server, url } = await serveFiles(
      new Map([
        ['/', { type: contentType('index.html'), body: '<!doctype html>' }],
        ['/wasm/m.wasm', { type: contentType('m.wasm'), body: wasm }],
      ]),
    ));
  });
  afterAll(async () => {
    if (server) await closeServer(server);
  });

  it('sends the cross-origin isolation headers and application/wasm', async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    for (const [k, v] of Object.entries(ISOLATION_HEADERS)) expect(page.headers.get(k)).toBe(v);
    expect(contentType('ort.wasm.min.mjs')).toBe('text/javascript; charset=utf-8');
    expect(contentType('/ort-models/0.onnx')).toBe('application/octet-stream');
    const wasm = await fetch(`${url}/wasm/m.wasm?v=1`);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  });

  it('serves nothing but its table', async () => {
    const missing = await fetch(`${url}/../package.json`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect((await fetch(`${url}/wasm/`)).status).toBe(404);
    expect(contentType('x.unknown')).toBe('application/octet-stream');
  });
});

describe("onnxruntime-web's thread check", () => {
  const info = { version: '1.31.1', numThreadsAsked: 2, numThreads: 2, workers: 1 };
  it('is quiet when the pool has the threads asked for and a worker started', () => {
    expect(ortThreadWarnings(2, info)).toEqual([]);
    expect(ortThreadWarnings(2, info, 1)).toEqual([]);
    expect(ortThreadWarnings(1, { ...info, numThreadsAsked: 1, numThreads: 1, workers: 0 }, 0)).toEqual([]);
  });

  it('warns when ort dropped to one thread or started no worker', () => {
    expect(ortThreadWarnings(2, { ...info, numThreads: 1, workers: 0 })).toEqual([
      'onnxruntime-web: asked for 2 threads, ort.env.wasm.numThreads is 1',
    ]);
    expect(ortThreadWarnings(2, { ...info, workers: 0 })).toEqual([
      'onnxruntime-web: a pool of 2 threads but no pthread worker started: one thread only',
    ]);
    expect(ortThreadWarnings(2, { ...info, workers: 0 }, 1)).toEqual([]);
    expect(ortThreadWarnings(2, { ...info, numThreads: 0, workers: 0, error: 'no SIMD' })).toEqual([
      'onnxruntime-web did not start: no SIMD',
    ]);
  });
});
