// STUB: owned by the tensor-printing helper; replace.
import type { Tensor } from './tensor.js';
export function formatTensor(t: Tensor): string { return `tensor(${JSON.stringify(t.toArray())})`; }
