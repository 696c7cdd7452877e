// Finding an adapter and a device: `navigator.gpu` in browsers (and Deno), an injected `GPU`
// object, or in Node the optional peer package `webgpu` (Dawn). One default context is kept so the
// layers above can call `initWebGPU()` from anywhere and get the same device.
import { BufferPool, type GpuBufferOwner } from './buffer.js';
import { argumentError, describeValue, WebGPUError } from './errors.js';

/**
 * Options of {@link initWebGPU}.
 *
 * @example
 * ```ts
 * import type { InitWebGPUOptions } from '@torchlet/webgpu';
 * const options: InitWebGPUOptions = { powerPreference: 'high-performance' };
 * options.powerPreference; // -> 'high-performance'
 * ```
 */
export interface InitWebGPUOptions {
  /**
   * The `GPU` object to ask for an adapter (default: `navigator.gpu`, else in Node the `create([])`
   * of the optional peer package `webgpu`).
   */
  readonly gpu?: GPU;
  /** Passed to `requestAdapter`. */
  readonly powerPreference?: GPUPowerPreference;
  /**
   * Minimum adapter limits on top of what the kernels need (see {@link REQUIRED_LIMITS}); the
   * device is requested with the adapter's largest buffer sizes.
   */
  readonly requiredLimits?: Readonly<Record<string, number>>;
  /** Free bytes the buffer pool may keep for reuse (default 256 MiB). */
  readonly maxPooledBytes?: number;
}

/**
 * Adapter limits the kernels need: the tiled GEMM keeps two 32x16 float tiles in workgroup memory
 * and the reductions run 256 invocations per workgroup. Every WebGPU adapter meets the spec's
 * defaults, which are at least these.
 *
 * @example
 * ```ts
 * import { REQUIRED_LIMITS } from '@torchlet/webgpu';
 * REQUIRED_LIMITS.maxComputeInvocationsPerWorkgroup; // -> 256
 * ```
 */
export const REQUIRED_LIMITS: Readonly<Record<string, number>> = {
  maxComputeWorkgroupStorageSize: 4096,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxStorageBuffersPerShaderStage: 6,
};

/**
 * The adapter a context runs on, as `GPUAdapterInfo` reports it.
 *
 * @example
 * ```ts
 * import { type AdapterDescription, initWebGPU } from '@torchlet/webgpu';
 * const adapter: AdapterDescription = (await initWebGPU()).adapter;
 * typeof adapter.architecture; // -> 'string'
 * ```
 */
export interface AdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
}

/**
 * A WebGPU device with its buffer pool and compiled kernels: what {@link initWebGPU} resolves to.
 * Every {@link GpuBuffer} belongs to one context; kernels run on their inputs' context.
 *
 * @example
 * ```ts
 * import { initWebGPU } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * typeof gpu.adapter.vendor; // -> 'string'
 * gpu.lost; // -> ''
 * ```
 */
export class GpuContext implements GpuBufferOwner {
  /** The `GPUDevice` the kernels run on. */
  readonly device: GPUDevice;
  /** Vendor, architecture and description of the adapter. */
  readonly adapter: AdapterDescription;
  /** @internal The buffer pool. */
  readonly pool: BufferPool;
  /** @internal Compiled pipelines by kernel key. */
  readonly pipelines = new Map<string, GPUComputePipeline>();
  /** @internal The name of the last kernel dispatched. */
  lastKernel = 'none';
  /** @internal Kernels dispatched so far. */
  dispatches = 0;
  /** @internal Uncaptured device errors, newest last (at most 8 kept). */
  readonly errors: string[] = [];
  private lostMessage = '';

  /**
   * @internal The `GPU` entry point and adapter the device came from. Held because Node's Dawn
   * destroys its native instance when the `GPU` object is garbage-collected, which crashes the
   * process while a device made by it still runs.
   */
  readonly owners: readonly unknown[];

  /** @internal Use {@link initWebGPU}. */
  constructor(device: GPUDevice, adapter: AdapterDescription, maxPooledBytes: number, owners: readonly unknown[] = []) {
    const d = device as Partial<Record<'lost' | 'addEventListener' | 'createBuffer', unknown>> | null;
    if (
      typeof d !== 'object' ||
      d === null ||
      typeof (d.lost as { then?: unknown } | undefined)?.then !== 'function' ||
      typeof d.addEventListener !== 'function' ||
      typeof d.createBuffer !== 'function'
    ) {
      argumentError('GpuContext', 'device', `must be a GPUDevice, got ${describeValue(device)}`);
    }
    if (typeof adapter !== 'object' || adapter === null) {
      argumentError('GpuContext', 'adapter', `must be an AdapterDescription, got ${describeValue(adapter)}`);
    }
    if (!Number.isSafeInteger(maxPooledBytes) || maxPooledBytes < 0) {
      argumentError(
        'GpuContext',
        'maxPooledBytes',
        `must be a non-negative integer, got ${describeValue(maxPooledBytes)}`,
      );
    }
    if (!Array.isArray(owners)) argumentError('GpuContext', 'owners', `must be an array, got ${describeValue(owners)}`);
    this.device = device;
    this.owners = owners;
    this.adapter = adapter;
    this.pool = new BufferPool(device, maxPooledBytes);
    device.lost.then((info) => {
      this.lostMessage = `${info.reason}: ${info.message}`.trim();
      this.pool.close();
    });
    device.addEventListener('uncapturederror', (event) => {
      const message = (event as GPUUncapturedErrorEvent).error.message;
      this.errors.push(message);
      if (this.errors.length > 8) this.errors.shift();
    });
  }

  /** Why the device was lost (`''` while it works). */
  get lost(): string {
    return this.lostMessage;
  }

  /** @internal Throws a `'device-lost'` WebGPUError when the device is gone. */
  checkAlive(fn: string): void {
    if (this.lostMessage !== '') {
      throw new WebGPUError(fn, '', 'device-lost', `the WebGPU device was lost (${this.lostMessage})`);
    }
  }

  /**
   * Destroys the device and every pooled buffer; later calls on this context throw
   * `'device-lost'`. The default context is forgotten, so the next {@link initWebGPU} makes a new one.
   */
  destroy(): void {
    if (defaultContext !== null) {
      void defaultContext.then(
        (c) => {
          if (c === this) defaultContext = null;
        },
        () => undefined,
      );
    }
    this.pool.close();
    this.device.destroy();
    if (this.lostMessage === '') this.lostMessage = 'destroyed: GpuContext.destroy() was called';
  }
}

/** Node's Dawn bindings, as the `webgpu` package exports them. */
export interface DawnModule {
  create(flags: string[]): GPU;
}

// The specifier sits in an object so bundlers cannot fold it into a literal `import('webgpu')`
// (esbuild inlines a `const` string: Vite's dev pre-bundle then fails to resolve the Node-only package).
const NODE_BINDINGS = { specifier: 'webgpu' };

/** Loads Node's Dawn bindings; a non-literal specifier keeps bundlers from resolving them for browsers. */
function importDawn(): Promise<DawnModule> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_BINDINGS.specifier) as Promise<DawnModule>;
}

/**
 * @internal The `GPU` entry point of this runtime: `navigator.gpu`, else Node's optional `webgpu`
 * package (tests pass their own `navigator` and loader).
 */
export async function findGpu(
  nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator,
  load: () => Promise<DawnModule> = importDawn,
): Promise<GPU> {
  if (nav?.gpu) return nav.gpu;
  let dawn: DawnModule;
  try {
    dawn = await load();
  } catch (e) {
    throw new WebGPUError(
      'initWebGPU',
      'gpu',
      'no-navigator-gpu',
      `this runtime has no navigator.gpu, and the Node WebGPU bindings (the optional peer package 'webgpu') ` +
        `could not be loaded (${(e as Error).message}); install 'webgpu' or pass { gpu }`,
    );
  }
  return dawn.create([]);
}

function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const info = adapter.info;
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
  };
}

const POWER_PREFERENCES: readonly unknown[] = ['low-power', 'high-performance'];

/** Validates {@link initWebGPU}'s options before any of them is used. */
function checkOptions(options: InitWebGPUOptions): void {
  const fn = 'initWebGPU';
  if (typeof options !== 'object' || options === null) {
    argumentError(fn, 'options', `must be an InitWebGPUOptions object, got ${describeValue(options)}`);
  }
  const gpu = options.gpu as { requestAdapter?: unknown } | undefined;
  if (gpu !== undefined && (typeof gpu !== 'object' || gpu === null || typeof gpu.requestAdapter !== 'function')) {
    argumentError(fn, 'gpu', `must be a GPU object (with requestAdapter), got ${describeValue(gpu)}`);
  }
  if (options.powerPreference !== undefined && !POWER_PREFERENCES.includes(options.powerPreference)) {
    argumentError(
      fn,
      'powerPreference',
      `must be 'low-power' or 'high-performance', got ${describeValue(options.powerPreference)}`,
    );
  }
  const limits = options.requiredLimits;
  if (limits !== undefined) {
    if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
      argumentError(fn, 'requiredLimits', `must be an object of limit values, got ${describeValue(limits)}`);
    }
    for (const [name, value] of Object.entries(limits)) {
      if (typeof value !== 'number' || !(value >= 0)) {
        argumentError(fn, `requiredLimits.${name}`, `must be a non-negative number, got ${describeValue(value)}`);
      }
    }
  }
  if (options.maxPooledBytes !== undefined) {
    if (!Number.isSafeInteger(options.maxPooledBytes) || options.maxPooledBytes < 0) {
      argumentError(
        fn,
        'maxPooledBytes',
        `must be a non-negative integer, got ${describeValue(options.maxPooledBytes)}`,
      );
    }
  }
}

/** Creates a context on a fresh device (what {@link initWebGPU} does the first time). */
async function createContext(options: InitWebGPUOptions): Promise<GpuContext> {
  const gpu = options.gpu ?? (await findGpu());
  const adapter = await gpu.requestAdapter(
    options.powerPreference ? { powerPreference: options.powerPreference } : undefined,
  );
  if (adapter === null) {
    throw new WebGPUError(
      'initWebGPU',
      'gpu',
      'no-adapter',
      'WebGPU is present but offers no adapter (no GPU, or no driver: in Node without a GPU set ' +
        'VK_ICD_FILENAMES to a software Vulkan driver such as SwiftShader)',
    );
  }
  const wanted = { ...REQUIRED_LIMITS, ...options.requiredLimits };
  const limits = adapter.limits as unknown as Record<string, number>;
  for (const [name, min] of Object.entries(wanted)) {
    const have = limits[name];
    if (have === undefined || have < min) {
      throw new WebGPUError(
        'initWebGPU',
        'requiredLimits',
        'limit',
        `the adapter's ${name} is ${String(have)}, below the ${min} the kernels need`,
      );
    }
  }
  const requiredLimits: Record<string, number> = {
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    maxBufferSize: limits.maxBufferSize,
  };
  for (const name of Object.keys(wanted)) requiredLimits[name] = limits[name];
  const device = await adapter.requestDevice({ requiredLimits });
  return new GpuContext(device, describeAdapter(adapter), options.maxPooledBytes ?? 256 * 2 ** 20, [gpu, adapter]);
}

let defaultContext: Promise<GpuContext> | null = null;
let settledContext: GpuContext | null = null;

/**
 * Finds a WebGPU adapter and device and resolves to its {@link GpuContext}. Without options the
 * first call creates the default context and later calls resolve to the same one (until it is
 * destroyed or lost); with options it always creates a new context. Rejects with a
 * {@link WebGPUError} whose `reason` says why: `'no-navigator-gpu'` (no WebGPU in this runtime and
 * no Node bindings), `'no-adapter'`, or `'limit'` (an adapter limit below {@link REQUIRED_LIMITS}).
 *
 * In Node, install the `webgpu` package (Dawn); on a machine without a GPU, Dawn finds a software
 * Vulkan driver through `VK_ICD_FILENAMES`, e.g. the SwiftShader one Chromium ships.
 *
 * @param options - `gpu` (the `navigator.gpu` to use), `powerPreference` and `requiredLimits`; without options
 *   the default context is created once and shared. See {@link InitWebGPUOptions}.
 * @returns A promise of the context; it rejects with a {@link WebGPUError} (`'no-navigator-gpu'`,
 *   `'no-adapter'`, ...) when WebGPU is not available.
 * @example
 * ```ts
 * import { getWebGPUInfo, initWebGPU } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * gpu === (await initWebGPU()); // -> true
 * getWebGPUInfo().available; // -> true
 * ```
 */
export function initWebGPU(options?: InitWebGPUOptions): Promise<GpuContext> {
  if (options !== undefined) {
    try {
      checkOptions(options);
    } catch (e) {
      return Promise.reject(e);
    }
    return createContext(options);
  }
  if (defaultContext === null || (settledContext !== null && settledContext.lost !== '')) {
    settledContext = null;
    const pending = createContext({});
    defaultContext = pending;
    pending.then(
      (c) => {
        settledContext = c;
      },
      () => {
        // A failed attempt is not cached: the next call tries again (a driver may appear).
        if (defaultContext === pending) defaultContext = null;
      },
    );
  }
  return defaultContext;
}

/**
 * The default context once {@link initWebGPU} has resolved; throws a `'not-initialized'`
 * {@link WebGPUError} before that (GPU setup is asynchronous, kernels are not).
 *
 * @returns The default context.
 * @example
 * ```ts
 * import { getWebGPU, initWebGPU } from '@torchlet/webgpu';
 * const gpu = await initWebGPU();
 * getWebGPU() === gpu; // -> true
 * ```
 */
export function getWebGPU(): GpuContext {
  if (settledContext === null || settledContext.lost !== '') {
    throw new WebGPUError('getWebGPU', '', 'not-initialized', 'no WebGPU device yet: await initWebGPU() first');
  }
  return settledContext;
}

/** @internal The default context if it is ready, else null (for getWebGPUInfo). */
export function readyContext(): GpuContext | null {
  return settledContext !== null && settledContext.lost === '' ? settledContext : null;
}
