import type { Tensor } from '@torchlet/tensor';

/**
 * A module's parameters and buffers by PyTorch's dotted names (`features.0.weight`), in
 * registration order, as `Module.stateDict()` returns and `loadStateDict` and the safetensors
 * functions take.
 *
 * @see torch.nn.Module.state_dict
 * @example
 * ```ts
 * import { zeros } from '@torchlet/tensor';
 * import type { StateDict } from '@torchlet/nn';
 * const dict: StateDict = { 'conv.weight': zeros([1, 1, 1, 2]) };
 * Object.keys(dict); // -> ['conv.weight']
 * ```
 */
export type StateDict = Record<string, Tensor>;
