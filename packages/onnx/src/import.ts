import { isVariable, type Variable, variable } from '@torchlet/autograd';
import { type AnyModule, Module, type ModuleInput, Parameter } from '@torchlet/nn';
import { fail, formatShape, formatValue, Generator, isTensor, type Tensor, TorchletError } from '@torchlet/tensor';
import { Attributes, nodeLabel } from './attributes.js';
import { orderNodes } from './graph-check.js';
import type { OpImpl } from './import/context.js';
import { importOp } from './ops.js';
import { decodeModel } from './proto/codec.js';
import type { GraphProto, ModelProto, NodeProto, ValueInfoProto } from './proto/types.js';
import { checkDims, dataTypeName, dtypeOfDataType, type ExternalData, tensorFromProto } from './tensor-data.js';

const FN = 'importOnnx';
const MAX_OPSET = 21;

/**
 * Options of {@link importOnnx}.
 *
 * @example
 * ```ts
 * import type { ImportOnnxOptions } from '@torchlet/onnx';
 * const options: ImportOnnxOptions = { externalData: { 'weights.bin': new Uint8Array(0) } };
 * Object.keys(options.externalData ?? {}); // -> ['weights.bin']
 * ```
 */
export interface ImportOnnxOptions {
  /**
   * The bytes of external data files, by the `location` the model names (models over 2 GB keep
   * their weights beside the `.onnx` file). A tensor whose file is missing here is an error.
   */
  readonly externalData?: ExternalData;
  /**
   * The most elements any tensor the graph creates from its attributes or shape inputs may have
   * (padded inputs, transposed-convolution outputs, ConstantOfShape, Expand, Range, ...). A file
   * asking for more is rejected before allocating. Default `2 ** 28` (1 GiB of float32).
   */
  readonly maxElements?: number;
  /** Draws Dropout's masks when the model trains, for reproducible fine-tuning. Default: the default generator. */
  readonly generator?: Generator;
}

/**
 * A declared graph input or output: its name, element type and dims (`null` for symbolic ones
 * such as a batch).
 *
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import { ReLU } from '@torchlet/nn';
 * import { exportOnnx, importOnnx, type OnnxValueInfo } from '@torchlet/onnx';
 * const info: OnnxValueInfo = importOnnx(exportOnnx(new ReLU(), [zeros([2, 3])], { dynamicBatch: true })).inputs[0];
 * [info.name, info.type, info.shape]; // -> ['input', 'FLOAT', [null, 3]]
 * ```
 */
export interface OnnxValueInfo {
  /** The ONNX name. */
  readonly name: string;
  /** ONNX's element type name, e.g. `'FLOAT'`. */
  readonly type: string;
  /** Dimensions; `null` where the model names a symbol (`'batch'`) or leaves it open. */
  readonly shape: readonly (number | null)[] | null;
}

interface CompiledNode {
  readonly node: NodeProto;
  readonly label: string;
  readonly impl: OpImpl;
  readonly attrs: Attributes;
}

/** A child module holding the parameters of one dotted-name prefix (`features.0`); it has no computation. */
class ParameterScope extends Module<[], never> {
  forward(): never {
    fail('OnnxModel', 'forward', 'this submodule only holds imported parameters; call the OnnxModel');
  }
}

/**
 * A model imported from ONNX: `forward(...inputs)` runs the graph with torchlet's differentiable
 * functions. Float initializers are its state under their ONNX names: parameters (trainable), and
 * buffers for BatchNormalization's running statistics; a name with dots (`features.0.weight`)
 * lives in nested submodules, so `stateDict()` keys are the ONNX names. Integer initializers
 * (shapes, axes) are constants, and nodes that depend only on constants are run once at import.
 *
 * The model starts in evaluation mode (a file describes inference). `train()` makes it train as
 * the original PyTorch or torchlet module would: BatchNormalization normalises by the batch and
 * updates its running statistics in place (the unbiased variance, with torch's momentum
 * `1 - momentum` from the node, as nn's BatchNorm2d), Dropout draws masks with its ratio (from
 * `options.generator`). The module's mode decides, whatever a node's `training_mode` says, as in
 * PyTorch. A BatchNormalization whose statistics the graph computes (so there is no state to
 * update) throws a `TorchletError` naming the node when run in training mode.
 *
 * Shapes: as the graph declares (`inputs` / `outputs`).
 *
 * @see onnxruntime.InferenceSession
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { Linear } from '@torchlet/nn';
 * import { exportOnnx, importOnnx } from '@torchlet/onnx';
 * const fc = new Linear(2, 1);
 * fc.weight.data.copyInPlace(tensor([[1, 2]]));
 * fc.bias?.data.copyInPlace(tensor([0.5]));
 * const model = importOnnx(exportOnnx(fc, [tensor([[0, 0]])]));
 * model.forward(tensor([[1, 1]])).toArray(); // -> [[3.5]]
 * Object.keys(model.stateDict()); // -> ['weight', 'bias']
 * ```
 */
export class OnnxModel extends Module<ModuleInput[], Variable> {
  /** The graph's inputs (initializers excluded), in order. */
  readonly inputs: readonly OnnxValueInfo[];
  /** The graph's outputs, in order. */
  readonly outputs: readonly OnnxValueInfo[];
  /** The default-domain opset the model was written for. */
  readonly opset: number;
  /** Who wrote the file (`producer_name producer_version`, e.g. `'pytorch 1.13.1'`). */
  readonly producer: string;
  readonly #nodes: readonly CompiledNode[];
  readonly #initializers: ReadonlyMap<string, () => Variable>;
  readonly #constants: ReadonlyMap<string, Variable>;
  readonly #maxElements: number;
  readonly #generator: Generator | undefined;
  readonly #buffers = new Set<Tensor>();

  /**
   * Reads the model from the bytes of a `.onnx` file: the same as {@link importOnnx}`(bytes, options)`,
   * with the same checks (errors name `importOnnx`).
   * @param bytes - The contents of a `.onnx` file (a protobuf `ModelProto`), as a `Uint8Array` or an
   *   `ArrayBuffer`.
   * @param options - External data files and the element limit; see {@link ImportOnnxOptions}. Default `{}`.
   */
  constructor(bytes: Uint8Array | ArrayBuffer, options: ImportOnnxOptions = {}) {
    super();
    const model = readModel(bytes, options);
    const graph = model.graph as GraphProto;
    this.opset = defaultOpset(model);
    this.producer = [model.producer_name, model.producer_version].filter((s) => s).join(' ');
    const external = options.externalData ?? {};
    this.#maxElements = options.maxElements ?? 2 ** 28;
    this.#generator = options.generator;
    try {
      const initializerNames = new Set((graph.initializer ?? []).map((t) => t.name));
      this.inputs = (graph.input ?? []).filter((v) => !initializerNames.has(v.name)).map(valueInfo);
      this.outputs = (graph.output ?? []).map(valueInfo);
      const available = new Set([...initializerNames, ...this.inputs.map((v) => v.name)]);
      // Structure first (cheap), then operator support, then the initializers' data.
      const order = orderNodes(FN, graph, available);
      const unsupported = order.filter((n) =>
        (n.domain ?? '') !== '' && n.domain !== 'ai.onnx' ? true : importOp(n.op_type) === undefined,
      );
      if (unsupported.length > 0) {
        const n = unsupported[0];
        const all = [...new Set(unsupported.map((u) => (u.domain ? `${u.domain}.${u.op_type}` : u.op_type)))].join(
          ', ',
        );
        fail(
          FN,
          'bytes',
          `${nodeLabel(n)}: unsupported operator${n.domain ? ` in domain '${n.domain}'` : ''} (unsupported in this model: ${all})`,
        );
      }
      this.#nodes = order.map((node) => ({
        node,
        label: nodeLabel(node),
        impl: importOp(node.op_type) as OpImpl,
        attrs: new Attributes(FN, node, external),
      }));
      const { state, constants } = this.#registerInitializers(graph, order, external);
      this.#initializers = state;
      this.#constants = this.#foldConstants(constants);
      this.eval();
    } catch (e) {
      // Deeply nested or enormous messages can exhaust the stack or array limits: still a bad file.
      if (e instanceof RangeError) fail(FN, 'bytes', `the model could not be read: ${e.message}`);
      throw e;
    }
  }

  #registerInitializers(
    graph: GraphProto,
    order: readonly NodeProto[],
    external: ExternalData,
  ): { state: Map<string, () => Variable>; constants: Map<string, Variable> } {
    // Running statistics are state, not learned: PyTorch keeps them as buffers.
    const statistics = new Set<string>();
    for (const n of order)
      if (n.op_type === 'BatchNormalization') for (const i of [3, 4]) if (n.input?.[i]) statistics.add(n.input[i]);
    const state = new Map<string, () => Variable>();
    const constants = new Map<string, Variable>();
    for (const init of graph.initializer ?? []) {
      if (state.has(init.name) || constants.has(init.name))
        fail(FN, 'bytes', `initializer '${init.name}' is defined twice`);
      const t = tensorFromProto(FN, `initializer '${init.name}'`, init, external);
      if (t.dtype !== 'float32' && t.dtype !== 'float64') {
        // Integer initializers are shapes, axes and indices: constants of the graph, not state.
        constants.set(init.name, variable(t));
      } else if (!statistics.has(init.name)) {
        const p = new Parameter(t);
        this.#place(init.name, (owner, key) => owner.registerParameter(key, p));
        state.set(init.name, () => p);
      } else {
        this.#place(init.name, (owner, key) => owner.registerBuffer(key, t));
        this.#buffers.add(t);
        // Read the buffer at run time, so loadStateDict's copies are seen.
        state.set(init.name, () => variable(t));
      }
    }
    return { state, constants };
  }

  /** Registers a state entry under its dotted ONNX name, creating the submodules of its prefix. */
  #place(name: string, register: (owner: AnyModule, key: string) => void): void {
    const parts = name.split('.');
    if (parts.every((p) => p !== '')) {
      let owner: AnyModule = this as unknown as AnyModule;
      let nested = true;
      for (const part of parts.slice(0, -1)) {
        const child = (owner as unknown as Record<string, unknown>)[part];
        if (child === undefined && !hasBuffer(owner, part)) {
          const scope = new ParameterScope() as unknown as AnyModule;
          owner.registerModule(part, scope);
          owner = scope;
        } else if (child instanceof ParameterScope) {
          owner = child as unknown as AnyModule;
        } else {
          nested = false;
          break;
        }
      }
      const key = parts[parts.length - 1];
      if (nested && !Object.hasOwn(owner, key) && !hasBuffer(owner, key)) {
        register(owner, key);
        return;
      }
    }
    // A name that cannot nest (empty segments, or clashing with another): dots become underscores.
    const flat = name.replaceAll('.', '_') || '_';
    if (Object.hasOwn(this, flat) || hasBuffer(this as unknown as AnyModule, flat))
      fail(FN, 'bytes', `initializer '${name}' clashes with another initializer's name`);
    register(this as unknown as AnyModule, flat);
  }

  /** Runs, once, the nodes that depend only on constants (shape arithmetic baked into the file), so their errors surface at import. */
  #foldConstants(constants: Map<string, Variable>): Map<string, Variable> {
    for (const c of this.#nodes) {
      const inputs = c.node.input ?? [];
      const foldable =
        c.node.op_type === 'Constant' || (inputs.length > 0 && inputs.every((n) => n === '' || constants.has(n)));
      if (!foldable) continue;
      const outs = this.#run(
        FN,
        c,
        inputs.map((n) => (n === '' ? null : (constants.get(n) as Variable))),
        false,
      );
      (c.node.output ?? []).forEach((name, i) => {
        if (name !== '' && outs[i] !== undefined) constants.set(name, outs[i]);
      });
    }
    return constants;
  }

  #run(fn: string, c: CompiledNode, inputs: (Variable | null)[], training: boolean): Variable[] {
    const outputCount = (c.node.output ?? []).length;
    let outs: Variable[];
    try {
      outs = c.impl({
        inputs,
        attrs: c.attrs,
        opset: this.opset,
        outputCount,
        maxElements: this.#maxElements,
        training,
        generator: this.#generator,
        isBuffer: (v) => this.#buffers.has(v.data),
      });
    } catch (e) {
      if (e instanceof TorchletError) {
        if (e.message.includes(c.label)) throw e;
        // An op's own check (conv2d's, reshape's): say which node asked for it.
        throw new TorchletError(fn, e.arg, `${c.label}: ${e.message}`);
      }
      throw e;
    }
    if (outs.length < outputCount && (c.node.output ?? []).slice(outs.length).some((n) => n !== ''))
      c.attrs.fail(`produces ${outs.length} outputs, the model names ${outputCount}`);
    return outs;
  }

  /**
   * Runs the graph and returns its first output (the only one, for most models); see {@link OnnxModel.run} for
   * several.
   * @param inputs - One tensor per graph input, in the order of {@link OnnxModel.inputs}, each of the declared
   *   dtype and a shape matching the declared dims (symbolic dims take any size).
   * @returns The graph's only output, as a `Variable` (gradients flow through it to the inputs).
   */
  forward(...inputs: ModuleInput[]): Variable {
    if (this.outputs.length !== 1)
      fail('OnnxModel.forward', 'inputs', `the model has ${this.outputs.length} outputs; use run() to get all of them`);
    return this.run(...inputs)[0];
  }

  /**
   * Runs the graph and returns every output, in the graph's order.
   * @param inputs - One tensor per graph input, in the order of {@link OnnxModel.inputs}, each of the declared
   *   dtype and a shape matching the declared dims (symbolic dims take any size).
   * @returns Every graph output as a `Variable`, in the order of {@link OnnxModel.outputs}.
   */
  run(...inputs: ModuleInput[]): Variable[] {
    const F = 'OnnxModel.run';
    if (inputs.length !== this.inputs.length)
      fail(
        F,
        'inputs',
        `the model takes ${this.inputs.length} inputs (${this.inputs.map((v) => v.name).join(', ')}), got ${inputs.length}`,
      );
    const values = new Map<string, Variable>(this.#constants);
    this.inputs.forEach((info, i) => {
      const x = inputs[i];
      if (!isVariable(x) && !isTensor(x))
        fail(F, info.name, `expected a Tensor or Variable, got ${x === null ? 'null' : typeof x}`);
      checkInput(F, info, x.shape);
      values.set(info.name, isVariable(x) ? x : variable(x));
    });
    for (const [name, get] of this.#initializers) values.set(name, get());
    for (const c of this.#nodes) {
      const outputs = c.node.output ?? [];
      if (outputs.every((n) => n === '' || this.#constants.has(n))) continue;
      const args = (c.node.input ?? []).map((n) => (n === '' ? null : (values.get(n) as Variable)));
      const outs = this.#run(F, c, args, this.training);
      outputs.forEach((name, i) => {
        if (name !== '') values.set(name, outs[i]);
      });
    }
    return this.outputs.map((o) => values.get(o.name) as Variable);
  }

  override extraRepr(): string {
    const io = (vs: readonly OnnxValueInfo[]): string =>
      vs.map((v) => `${v.name}: ${v.shape === null ? '?' : `[${v.shape.map((d) => d ?? '?').join(',')}]`}`).join(', ');
    return `inputs=(${io(this.inputs)}), outputs=(${io(this.outputs)}), opset=${this.opset}, nodes=${this.#nodes.length}`;
  }
}

function hasBuffer(m: AnyModule, key: string): boolean {
  try {
    m.getBuffer(key);
    return true;
  } catch {
    return false;
  }
}

function defaultOpset(model: ModelProto): number {
  const entries = (model.opset_import ?? []).filter((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  // IR version 2 files without opset_import mean opset 1; nothing so old is supported.
  if (entries.length === 0) fail(FN, 'bytes', 'the model imports no default-domain opset');
  const v = Number(entries[0].version);
  if (!Number.isInteger(v) || v < 7 || v > MAX_OPSET)
    fail(FN, 'bytes', `default-domain opset ${String(entries[0].version)} is not supported (7 to ${MAX_OPSET})`);
  return v;
}

function valueInfo(v: ValueInfoProto): OnnxValueInfo {
  const tt = v.type?.tensor_type;
  const type = dataTypeName(tt?.elem_type ?? 0);
  const dims = tt?.shape?.dim;
  if (dims === undefined) return { name: v.name, type, shape: null };
  const shape = dims.map((d) => (d.dim_value !== undefined && d.dim_param === undefined ? Number(d.dim_value) : null));
  checkDims(
    FN,
    `graph value '${v.name}'`,
    shape.map((d) => d ?? 0),
  );
  return { name: v.name, type, shape };
}

function checkInput(fn: string, info: OnnxValueInfo, shape: readonly number[]): void {
  if (info.shape === null) return;
  const ok = info.shape.length === shape.length && info.shape.every((d, i) => d === null || d === shape[i]);
  if (!ok) {
    const want = `[${info.shape.map((d) => d ?? '?').join(',')}]`;
    fail(fn, info.name, `input '${info.name}' should have shape ${want}, got ${formatShape(shape)}`);
  }
}

/**
 * Reads an ONNX model (the bytes of a `.onnx` file, e.g. from `torch.onnx.export`, as a
 * `Uint8Array` or an `ArrayBuffer` from `fetch`) and returns a
 * {@link OnnxModel}: a `Module` that runs the graph with torchlet's differentiable functions, so it
 * can be evaluated, inspected and fine-tuned. Checks the file before allocating its tensors: a
 * corrupt or truncated file, an unsupported operator, a cycle, a dangling input, an absurd
 * dimension or missing external data is a `TorchletError` naming the node and the problem.
 *
 * Shapes: as the graph declares; symbolic dimensions (a dynamic batch) take any size.
 *
 * @param bytes - The contents of a `.onnx` file (a protobuf `ModelProto`), as a `Uint8Array` or an
 *   `ArrayBuffer`.
 * @param options - External data files and the element limit; see {@link ImportOnnxOptions}. Default `{}`.
 * @returns The model as a module: `forward` runs the graph, its initializers are its parameters.
 * @see onnx.load
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { ReLU } from '@torchlet/nn';
 * import { exportOnnx, importOnnx } from '@torchlet/onnx';
 * const bytes = exportOnnx(new ReLU(), [tensor([[-1, 2]])]);
 * const model = importOnnx(bytes);
 * model.inputs.map((v) => v.name); // -> ['input']
 * model.forward(tensor([[3, -4]])).toArray(); // -> [[3, 0]]
 * ```
 */
export function importOnnx(bytes: Uint8Array | ArrayBuffer, options: ImportOnnxOptions = {}): OnnxModel {
  return new OnnxModel(bytes, options);
}

/** Checks the options, decodes the bytes and checks the graph's declared element types. */
function readModel(bytes: Uint8Array | ArrayBuffer, options: ImportOnnxOptions): ModelProto {
  if (options === null || typeof options !== 'object')
    fail(FN, 'options', `expected an options object, got ${formatValue(options)}`);
  if (options.generator !== undefined && !(options.generator instanceof Generator))
    fail(FN, 'options.generator', `expected a Generator, got ${formatValue(options.generator)}`);
  const limit = options.maxElements;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit > 0))
    fail(FN, 'options.maxElements', `expected a positive integer, got ${formatValue(limit)}`);
  const external: unknown = options.externalData;
  if (
    external !== undefined &&
    (external === null ||
      typeof external !== 'object' ||
      !Object.values(external).every((v) => v instanceof Uint8Array))
  )
    fail(
      FN,
      'options.externalData',
      `options.externalData must map file names to Uint8Arrays, got ${formatValue(external)}`,
    );
  // fetch(...).arrayBuffer() in a page gives an ArrayBuffer; fs.readFileSync a Buffer (a Uint8Array).
  const model = decodeModel(FN, bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes);
  if (model.graph === undefined || model.graph === null) fail(FN, 'bytes', 'the model has no graph');
  for (const v of [...(model.graph.input ?? []), ...(model.graph.output ?? [])]) {
    const t = v.type?.tensor_type;
    if (t !== undefined && t.elem_type !== undefined && dtypeOfDataType(t.elem_type) === null && t.elem_type !== 0)
      fail(
        FN,
        'bytes',
        `graph value '${v.name}' has element type ${dataTypeName(t.elem_type)}, which torchlet cannot hold`,
      );
  }
  return model;
}
