import { isVariable, noGrad, type TracedOp, traceOps, type Variable, variable } from '@torchlet/autograd';
import { type AnyModule, BatchNorm2d, isModule } from '@torchlet/nn';
import { type DType, fail, formatShape, formatValue, isTensor, type Tensor } from '@torchlet/tensor';
import { exportOp } from '../ops.js';
import { encodeModel } from '../proto/codec.js';
import type { ValueInfoProto } from '../proto/types.js';
import { dataTypeOfDType } from '../tensor-data.js';
import { type BatchTag, GraphBuilder } from './builder.js';
import { fuseBatchNorms, type NamedStatistics } from './fuse-batchnorm.js';

const FN = 'exportOnnx';

/**
 * The opsets `exportOnnx` writes (those PyTorch's exporter uses by default from 1.13 on), each
 * checked against onnxruntime.
 *
 * @example
 * ```ts
 * import { EXPORT_OPSETS } from '@torchlet/onnx';
 * [EXPORT_OPSETS[0], EXPORT_OPSETS[EXPORT_OPSETS.length - 1]]; // -> [11, 17]
 * ```
 */
export const EXPORT_OPSETS = [11, 12, 13, 14, 15, 16, 17] as const;

/**
 * Options of {@link exportOnnx}.
 *
 * @example
 * ```ts
 * import type { ExportOnnxOptions } from '@torchlet/onnx';
 * const options: ExportOnnxOptions = { opset: 13, inputNames: ['image'], outputNames: ['logits'], dynamicBatch: true };
 * options.opset; // -> 13
 * ```
 */
export interface ExportOnnxOptions {
  /** The default-domain opset to write, 11 to 17. Default `17`. */
  readonly opset?: number;
  /** Graph input names, one per example input. Default `['input']` (or `input_0`, `input_1`, ...). */
  readonly inputNames?: readonly string[];
  /** Graph output names, one per output. Default `['output']` (or `output_0`, ...). */
  readonly outputNames?: readonly string[];
  /**
   * Make dimension 0 of every input a symbolic `batch` (PyTorch's `dynamic_axes={'input': {0: 'batch'}}`),
   * so the file runs on any batch size. Default `false` (every dimension fixed as in the examples).
   */
  readonly dynamicBatch?: boolean;
}

/**
 * Exports `module` to ONNX by tracing one forward pass on `exampleInputs` (in evaluation mode, as
 * `torch.onnx.export` does, restoring the training flags after). Parameters become initializers
 * named as in `namedParameters()`; other tensors the pass reads become constants. The bytes pass
 * ONNX's checker and run in onnxruntime with torchlet's outputs. An operation with no ONNX form
 * (a custom `defineFunction`, say) is a `TorchletError` naming it. As with any trace,
 * data-dependent control flow is frozen at the example's branch.
 *
 * Shapes: `exampleInputs` as `forward` takes them; with `dynamicBatch`, dim 0 of each is symbolic.
 *
 * @param module - The module to export, built from torchlet's layers (or an {@link OnnxModel}); switched to
 *   evaluation mode while it is traced, then restored.
 * @param exampleInputs - One tensor or Variable per `forward` argument, e.g. a `[1, 3, 224, 224]` float32 image
 *   batch; their shapes become the graph's input shapes.
 * @param options - Opset, input and output names and a symbolic batch dimension; see {@link ExportOnnxOptions}.
 *   Default `{}`.
 * @returns The bytes of the `.onnx` file (a serialized `ModelProto`), to write to disk or give to
 *   {@link importOnnx} or onnxruntime.
 * @see torch.onnx.export
 * @example
 * ```ts
 * import { tensor } from '@torchlet/tensor';
 * import { Conv2d, Flatten, ReLU, Sequential } from '@torchlet/nn';
 * import { exportOnnx, importOnnx } from '@torchlet/onnx';
 * const net = new Sequential(new Conv2d(1, 2, 3, { padding: 1 }), new ReLU(), new Flatten());
 * const x = tensor([[[[1, 2], [3, 4]]]]);
 * const bytes = exportOnnx(net, [x], { dynamicBatch: true });
 * const back = importOnnx(bytes);
 * back.forward(x).data.allclose(net.forward(x).data, { atol: 1e-6 }); // -> true
 * back.inputs[0].shape; // -> [null, 1, 2, 2]
 * ```
 */
export function exportOnnx(
  module: AnyModule,
  exampleInputs: readonly (Tensor | Variable)[],
  options: ExportOnnxOptions = {},
): Uint8Array {
  if (!isModule(module)) fail(FN, 'module', `expected a Module, got ${module === null ? 'null' : typeof module}`);
  if (!Array.isArray(exampleInputs) || exampleInputs.length === 0)
    fail(FN, 'exampleInputs', 'expected a non-empty array of example tensors (one per forward argument)');
  exampleInputs.forEach((x, i) => {
    if (!isTensor(x) && !isVariable(x))
      fail(FN, `exampleInputs[${i}]`, `expected a Tensor or Variable, got ${x === null ? 'null' : typeof x}`);
  });
  const opset = options.opset ?? 17;
  if (!(EXPORT_OPSETS as readonly number[]).includes(opset))
    fail(FN, 'opset', `opset must be one of ${EXPORT_OPSETS.join(', ')}, got ${String(opset)}`);
  const inputNames = names('inputNames', options.inputNames, exampleInputs.length, 'input');
  const dynamic = options.dynamicBatch ?? false;
  const inputs = exampleInputs.map((x) => variable(isVariable(x) ? x.data : x));
  const batch = dynamic ? batchSize(inputs) : null;

  const parameters = new Map<Variable, string>();
  for (const [name, p] of module.namedParameters()) parameters.set(p, name);
  const b = new GraphBuilder(opset, batch, parameters, new Set(inputs.map((v) => v.data.data)));
  inputs.forEach((v, i) => {
    b.fresh(inputNames[i]);
    b.bind(v, inputNames[i], dynamic ? { dim: 0, factor: 1 } : null);
  });

  // Trace in evaluation mode (Dropout off, BatchNorm on running statistics), as PyTorch exports.
  const modes = module.modules().map((m) => [m, m.training] as const);
  module.eval();
  const ops: TracedOp[] = [];
  let result: unknown;
  try {
    result = traceOps(
      () => noGrad(() => (module.forward as (...xs: Variable[]) => unknown)(...inputs)),
      (op) => ops.push(op),
    );
  } finally {
    for (const [m, mode] of modes) m.training = mode;
  }
  const outputs = flattenOutputs(result);
  const traced = new Set(ops.map((op) => op.output));
  const isConstant = (v: Variable): boolean => !traced.has(v) && !parameters.has(v) && !inputs.includes(v);
  const statisticsOf = namedStatistics(module, parameters);
  for (const op of fuseBatchNorms(ops, isConstant, new Set(outputs), statisticsOf)) {
    const write = exportOp(op.name);
    if (write === undefined)
      fail(
        FN,
        'module',
        `operation '${op.name}' (output ${formatShape(op.output.shape)}) has no ONNX form; torchlet cannot export it`,
      );
    const { name, tag } = write(b, op);
    b.bind(op.output, name, tag);
  }

  // An input no traced operation read reached the result (if at all) outside the tape, say as an
  // integer target turned into a mask with tensor methods: the file would freeze its values.
  const outputSet = new Set<Variable>(outputs);
  inputs.forEach((v, i) => {
    const read = b.nodes.some((n) => n.input.includes(inputNames[i])) || outputSet.has(v);
    if (!read)
      fail(
        FN,
        `exampleInputs[${i}]`,
        `input '${inputNames[i]}' ${formatShape(v.shape)} is not read by any operation torchlet traced; its values would be frozen into the file (compute with @torchlet/autograd's functions, not tensor methods, or leave the input out)`,
      );
  });
  const outputNames = names('outputNames', options.outputNames, outputs.length, 'output');
  const outputInfos: ValueInfoProto[] = [];
  const taken = new Set<string>();
  outputs.forEach((v, i) => {
    const current = b.nameOf(v);
    const produced = b.nodes.some((n) => n.output.includes(current));
    if (produced && !taken.has(current) && !inputNames.includes(current)) b.rename(current, outputNames[i]);
    else b.rename(b.node('Identity', [current])[0], outputNames[i]);
    taken.add(current);
    outputInfos.push(info(outputNames[i], v.data.dtype, v.shape, dynamic ? b.tag(v) : null));
  });

  return encodeModel(FN, {
    ir_version: 8,
    producer_name: 'torchlet',
    producer_version: '0.1',
    opset_import: [{ domain: '', version: opset }],
    graph: {
      name: module.constructor.name || 'torchlet',
      node: b.nodes,
      initializer: b.initializers,
      input: inputs.map((v, i) => info(inputNames[i], v.data.dtype, v.shape, dynamic ? { dim: 0, factor: 1 } : null)),
      output: outputInfos,
    },
  });
}

/**
 * Finds, by storage, the BatchNorm2d whose `running_mean` a traced mean is a view of, and gives its
 * running statistics state-dict names (registered with the parameters, so they become initializers
 * under those names, once each however often the module runs).
 */
function namedStatistics(
  module: AnyModule,
  parameters: Map<Variable, string>,
): (mean: Variable) => NamedStatistics | null {
  const byStorage = new Map<unknown, NamedStatistics>();
  for (const [prefix, m] of module.namedModules()) {
    if (!(m instanceof BatchNorm2d) || !m.trackRunningStats) continue;
    const at = (key: string): string => (prefix === '' ? key : `${prefix}.${key}`);
    const mean = variable(m.runningMean);
    const variance = variable(m.runningVar);
    parameters.set(mean, at('running_mean'));
    parameters.set(variance, at('running_var'));
    // ONNX weighs the running value by `momentum`; torch's cumulative average (null) exports as 1.
    const momentum = m.momentum === null ? 1 : 1 - m.momentum;
    byStorage.set(m.runningMean.data, { mean, variance, eps: m.eps, momentum });
  }
  return (mean) => {
    const found = byStorage.get(mean.data.data);
    return found !== undefined && found.mean.data.offset === mean.data.offset ? found : null;
  };
}

function names(arg: string, given: readonly string[] | undefined, n: number, base: string): string[] {
  if (given === undefined) return n === 1 ? [base] : Array.from({ length: n }, (_, i) => `${base}_${i}`);
  if (!Array.isArray(given) || given.length !== n || given.some((s) => typeof s !== 'string' || s === ''))
    fail(FN, arg, `expected ${n} non-empty names, got ${formatValue(given)}`);
  if (new Set(given).size !== given.length) fail(FN, arg, `names must be distinct, got ${formatValue(given)}`);
  return [...given];
}

function batchSize(inputs: readonly Variable[]): number {
  const sizes = inputs.map((v) => (v.ndim === 0 ? -1 : v.shape[0]));
  if (sizes.some((s) => s !== sizes[0]) || sizes[0] < 1)
    fail(
      FN,
      'exampleInputs',
      `dynamicBatch needs every input to have the same dim 0 (the batch), got ${inputs.map((v) => formatShape(v.shape)).join(', ')}`,
    );
  return sizes[0];
}

function flattenOutputs(result: unknown): Variable[] {
  const list = Array.isArray(result) ? result : [result];
  if (list.length === 0) fail(FN, 'module', 'forward returned no outputs');
  return list.map((r, i) => {
    if (isVariable(r)) return r;
    if (isTensor(r)) return variable(r);
    return fail(
      FN,
      'module',
      `forward returned ${r === null ? 'null' : typeof r} at output ${i}; expected Variables or tensors`,
    );
  });
}

function info(name: string, dtype: DType, shape: readonly number[], tag: BatchTag | null): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: dataTypeOfDType(dtype),
        shape: {
          dim: shape.map((d, i) =>
            tag !== null && tag.dim === i && tag.factor === 1 ? { dim_param: 'batch' } : { dim_value: d },
          ),
        },
      },
    },
  };
}
