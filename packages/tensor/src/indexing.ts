// STUB: owned by the tensor-indexing helper; replace every function.
import type { Tensor, TensorLike } from './tensor.js';
const todo = (name: string): never => { throw new Error(`${name}: not implemented yet`); };
/** One entry of a structured index: an integer, a slice, `null` (new axis) or `'...'`. */
export type IndexItem = number | Slice | null | '...';
/** A slice `start:stop:step` with PyTorch/NumPy defaults for omitted parts. */
export interface Slice { readonly start?: number | null; readonly stop?: number | null; readonly step?: number | null; readonly kind: 'slice' }
/** An index: a NumPy-style string (`':, 2:6'`) or a structured list. */
export type Index = string | number | readonly IndexItem[];
export function slice(start?: number | null, stop?: number | null, step?: number | null): Slice { return todo('slice'); }
export function get(t: Tensor, index: Index): Tensor { return todo('get'); }
export function set(t: Tensor, index: Index, value: TensorLike): void { todo('set'); }
