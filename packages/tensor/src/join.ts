// STUB: owned by the tensor-reductions helper; replace every function.
import type { Tensor } from './tensor.js';
const todo = (name: string): never => { throw new Error(`${name}: not implemented yet`); };
export function stack(tensors: readonly Tensor[], dim = 0): Tensor { return todo('stack'); }
export function cat(tensors: readonly Tensor[], dim = 0): Tensor { return todo('cat'); }
export function split(t: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] { return todo('split'); }
export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] { return todo('chunk'); }
export function equal(a: Tensor, b: Tensor): boolean { return todo('equal'); }
export function allclose(a: Tensor, b: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean { return todo('allclose'); }
