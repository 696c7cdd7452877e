// One place that compiles WGSL into pipelines (cached per context and kernel key), binds buffers,
// uploads a kernel's parameters and submits the work.
import { checkBuffer } from './arguments.js';
import type { GpuBuffer } from './buffer.js';
import type { GpuContext } from './context.js';
import { argumentError } from './errors.js';

/** Largest workgroup count per dispatch dimension that WebGPU guarantees. */
export const MAX_GROUPS = 65535;

/** What {@link dispatch} runs. */
export interface KernelCall {
  /** The name `getWebGPUInfo().lastKernel` reports. */
  readonly name: string;
  /** Cache key of the pipeline (the WGSL is built only on a miss). */
  readonly key: string;
  readonly wgsl: () => string;
  /** Buffers at bindings 0..n-1; the parameters go to binding n. */
  readonly buffers: readonly GpuBuffer[];
  /** Parameters as 32-bit words (i32 values are stored as their two's complement). */
  readonly params: readonly number[];
  readonly groups: readonly [number, number, number];
}

function pipeline(gpu: GpuContext, call: KernelCall): GPUComputePipeline {
  let p = gpu.pipelines.get(call.key);
  if (p === undefined) {
    const module = gpu.device.createShaderModule({ code: call.wgsl(), label: call.key });
    p = gpu.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: call.key });
    gpu.pipelines.set(call.key, p);
  }
  return p;
}

/**
 * Workgroups for `n` independent items, `perGroup` per workgroup: x up to {@link MAX_GROUPS},
 * the rest in y (shaders recover the item as `(gid.y * num_workgroups.x + gid.x)`).
 */
export function groupsFor(n: number, perGroup: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(n / perGroup));
  if (groups <= MAX_GROUPS) return [groups, 1, 1];
  const y = Math.ceil(groups / MAX_GROUPS);
  if (y > MAX_GROUPS) argumentError('dispatch', '', `${n} items need more workgroups than WebGPU allows`);
  return [MAX_GROUPS, y, 1];
}

/** Checks that every buffer belongs to `gpu` and is not released; that `out` is none of the inputs. */
export function checkBuffers(fn: string, gpu: GpuContext, named: Readonly<Record<string, GpuBuffer>>): void {
  for (const [arg, b] of Object.entries(named)) {
    checkBuffer(fn, arg, b);
    if (b.owner !== gpu) argumentError(fn, arg, 'is on another WebGPU device than the first input');
    if (b.released) argumentError(fn, arg, 'was released');
  }
  gpu.checkAlive(fn);
}

/** Checks that buffer `b` holds at least `need` elements. */
export function checkLength(fn: string, arg: string, b: GpuBuffer, need: number, what: string): void {
  if (b.length < need) argumentError(fn, arg, `holds ${b.length} elements, but ${what} needs ${need}`);
}

/** Compiles (once), binds and submits one kernel on `gpu`. */
export function dispatch(gpu: GpuContext, call: KernelCall): void {
  const p = pipeline(gpu, call);
  const words = new Uint32Array(Math.max(1, call.params.length));
  for (let i = 0; i < call.params.length; i++) words[i] = call.params[i] >>> 0;
  const meta = gpu.pool.take(words.byteLength);
  gpu.device.queue.writeBuffer(meta.buffer, 0, words);
  const entries: GPUBindGroupEntry[] = call.buffers.map((b, i) => ({ binding: i, resource: { buffer: b.buffer } }));
  entries.push({ binding: call.buffers.length, resource: { buffer: meta.buffer } });
  const bindGroup = gpu.device.createBindGroup({ layout: p.getBindGroupLayout(0), entries });
  const encoder = gpu.device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(p);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(call.groups[0], call.groups[1], call.groups[2]);
  pass.end();
  gpu.device.queue.submit([encoder.finish()]);
  // Later writes to this buffer are queued after this submission, so it can be reused at once.
  gpu.pool.giveBack(meta.buffer, meta.bytes);
  gpu.lastKernel = call.name;
  gpu.dispatches++;
}

/** The WGSL line that declares the parameter words at binding `n`. */
export function paramsBinding(n: number): string {
  return `@group(0) @binding(${n}) var<storage, read> P: array<u32>;`;
}
