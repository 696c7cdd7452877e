// Where one eval forward of a whole network spends its time (issue 12): the wholenets family's
// ResNet-18 and MobileNetV2 (same weights and input), one thread by default, each piece timed on
// its own with the input it receives in the model. A Conv2d + BatchNorm2d (+ ReLU / ReLU6) pair is
// timed both ways: folded (`convBatchNorm2d` under noGrad, what the model runs in eval mode) and
// as three layers (conv, BatchNorm, activation), so the table shows what folding saves.
//
//   node --expose-gc dist/profile-wholenet.js [resnet18|mobilenetV2 ...] [--batch 1] [--threads 1]

import { isVariable, noGrad, relu, type Variable } from '@torchlet/autograd';
import { setThreads } from '@torchlet/kernels';
import {
  type AnyModule,
  BatchNorm2d,
  Conv2d,
  type ConvBatchNormActivation,
  convBatchNorm2d,
  ReLU,
  ReLU6,
} from '@torchlet/nn';
import { ready, type Tensor } from '@torchlet/tensor';
import { BasicBlock, Bottleneck } from '@torchlet/vision';
import { WHOLE_NETS } from './shapes.js';
import { buildNet, netInput, type WholeNetName } from './wholenet-models.js';

interface Call {
  readonly module: AnyModule;
  readonly input: Tensor;
  readonly output: Tensor;
}

/**
 * Median CPU milliseconds (`process.cpuUsage`: user + system of the process, which on one thread is
 * the caller's work) of `fn` over at least 15 calls and 300 ms, after 5 warm-up calls. On the shared
 * machine wall time mostly measures the wait for a core; CPU time does not.
 */
function time(fn: () => unknown): number {
  for (let i = 0; i < 5; i++) fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 15 || (performance.now() - start < 300 && samples.length < 100)) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    samples.push((c.user + c.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

/** Every leaf module's forward calls, in order, from one unfused eval forward (instance patches). */
function recordCalls(model: AnyModule, x: Tensor): Call[] {
  const calls: Call[] = [];
  const leaves = model.modules().filter((m) => m.children().length === 0);
  for (const m of leaves) {
    const original = m.forward;
    Object.defineProperty(m, 'forward', {
      configurable: true,
      writable: true,
      value: (input: Variable | Tensor) => {
        const out = (original as (x: Variable | Tensor) => Variable).call(m, input);
        calls.push({ module: m, input: isVariable(input) ? input.data : input, output: out.data });
        return out;
      },
    });
  }
  noGrad(() => (model.forward as (x: Tensor) => Variable).call(model, x));
  for (const m of leaves) delete (m as unknown as Record<string, unknown>).forward;
  return calls;
}

/** The activation model code applies after `bn` as a function (ResNet blocks), not as a module. */
function functionalActivation(model: AnyModule, bn: BatchNorm2d): ConvBatchNormActivation {
  for (const m of model.modules()) {
    if (m instanceof BasicBlock && m.bn1 === bn) return 'relu';
    if (m instanceof Bottleneck && (m.bn1 === bn || m.bn2 === bn)) return 'relu';
  }
  return 'none';
}

function convKind(conv: Conv2d): string {
  const [kh, kw] = conv.kernelSize;
  const depthwise = conv.groups > 1 && conv.groups === conv.inChannels;
  return `conv ${kh}x${kw}${depthwise ? ' depthwise' : ''}${conv.stride[0] > 1 ? ' s2' : ''}`;
}

interface Row {
  kind: string;
  count: number;
  fused: number;
  conv: number;
  bn: number;
  act: number;
  other: number;
}

function profile(name: WholeNetName, batch: number): void {
  const c = { net: name, numClasses: WHOLE_NETS.numClasses, batch, size: WHOLE_NETS.size };
  const model = buildNet(c).eval();
  const x = netInput(c);
  const total = time(() => noGrad(() => (model.forward as (x: Tensor) => Variable).call(model, x)));
  const calls = recordCalls(model, x);
  const rows = new Map<string, Row>();
  const row = (kind: string): Row => {
    let r = rows.get(kind);
    if (r === undefined) {
      r = { kind, count: 0, fused: 0, conv: 0, bn: 0, act: 0, other: 0 };
      rows.set(kind, r);
    }
    return r;
  };
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    const next = calls[i + 1];
    if (call.module instanceof Conv2d && next?.module instanceof BatchNorm2d && next.input === call.output) {
      const conv = call.module;
      const bn = next.module;
      const after = calls[i + 2];
      let activation = functionalActivation(model, bn);
      if (after !== undefined && after.input === next.output && after.module instanceof ReLU) activation = 'relu';
      if (after !== undefined && after.input === next.output && after.module instanceof ReLU6) activation = 'relu6';
      const r = row(`${convKind(conv)} + BN${activation === 'none' ? '' : ` + ${activation}`}`);
      r.count++;
      r.fused += time(() => noGrad(() => convBatchNorm2d(call.input, conv, bn, { activation })));
      r.conv += time(() => noGrad(() => conv.forward(call.input)));
      r.bn += time(() => noGrad(() => bn.forward(call.output)));
      const y = next.output;
      if (activation === 'relu') r.act += time(() => noGrad(() => relu(y)));
      if (activation === 'relu6') r.act += time(() => noGrad(() => y.clamp(0, 6)));
      i += activation !== 'none' && after?.input === next.output ? 2 : 1;
      continue;
    }
    const r = row(call.module.constructor.name);
    r.count++;
    r.other += time(() => noGrad(() => (call.module.forward as (x: Tensor) => Variable).call(call.module, call.input)));
  }
  // Timed again after the pieces: on a loaded machine the two totals show how much the load moved.
  const totalAfter = time(() => noGrad(() => (model.forward as (x: Tensor) => Variable).call(model, x)));
  // The same forward with folding off: a BatchNorm2d with a replaced `forward` is user code that nn
  // runs as written, so every layer runs separately. Off and on alternate, 3 rounds, same build.
  const bns = model.modules().filter((m): m is BatchNorm2d => m instanceof BatchNorm2d);
  const forward = (): unknown => noGrad(() => (model.forward as (x: Tensor) => Variable).call(model, x));
  const offs: number[] = [];
  const ons: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const bn of bns) {
      const own = (input: Tensor | Variable): Variable => BatchNorm2d.prototype.forward.call(bn, input);
      Object.defineProperty(bn, 'forward', { configurable: true, writable: true, value: own });
    }
    offs.push(time(forward));
    for (const bn of bns) delete (bn as unknown as Record<string, unknown>).forward;
    ons.push(time(forward));
  }
  const median3 = (v: number[]): number => [...v].sort((a, b) => a - b)[1];
  const unfolded = median3(offs);
  const folded = median3(ons);
  const list = [...rows.values()].sort((a, b) => b.fused + b.other - (a.fused + a.other));
  const pieces = list.reduce((s, r) => s + r.fused + r.other, 0);
  const unfusedPieces = list.reduce((s, r) => s + r.conv + r.bn + r.act + r.other, 0);
  const ms = (v: number): string => (v === 0 ? '-' : v.toFixed(1));
  console.log(
    `\n${name} [${batch},3,${c.size},${c.size}], eval forward under noGrad: ${total.toFixed(1)} ms CPU (median; ${totalAfter.toFixed(1)} ms after the pieces); ` +
      `pieces timed alone: ${pieces.toFixed(1)} ms folded, ${unfusedPieces.toFixed(1)} ms as separate layers; ` +
      `the rest (residual adds and ReLUs, flatten, autograd glue) ${(total - pieces).toFixed(1)} ms\n` +
      `whole forward, folding off / on (alternating, CPU ms): ${unfolded.toFixed(1)} / ${folded.toFixed(1)} (${(unfolded / folded).toFixed(2)}x faster folded)\n`,
  );
  console.log('| piece (CPU ms) | count | folded | share | conv | BatchNorm | activation | layers total |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of list) {
    const t = r.fused + r.other;
    const layers = r.conv + r.bn + r.act + r.other;
    console.log(
      `| ${r.kind} | ${r.count} | ${ms(t)} | ${((100 * t) / total).toFixed(0)}% | ${ms(r.conv)} | ${ms(r.bn)} | ${ms(r.act)} | ${ms(layers)} |`,
    );
  }
}

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : Number(args[i + 1]);
};
const nets = WHOLE_NETS.nets.filter((n) => args.includes(n));
await ready();
setThreads(flag('--threads', 1));
for (const name of nets.length > 0 ? nets : WHOLE_NETS.nets) profile(name, flag('--batch', 1));
