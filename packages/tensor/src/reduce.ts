// STUB: owned by the tensor-reductions helper; replace every function.
import type { Dims, ReduceOptions, Tensor, VarianceOptions } from './tensor.js';
const todo = (name: string): never => { throw new Error(`${name}: not implemented yet`); };
export function sum(t: Tensor, dims?: Dims, options?: ReduceOptions): Tensor { return todo('sum'); }
export function mean(t: Tensor, dims?: Dims, options?: ReduceOptions): Tensor { return todo('mean'); }
export function prod(t: Tensor, dim?: number | null, options?: ReduceOptions): Tensor { return todo('prod'); }
export function max(t: Tensor, dim?: number | null, options?: ReduceOptions): Tensor { return todo('max'); }
export function min(t: Tensor, dim?: number | null, options?: ReduceOptions): Tensor { return todo('min'); }
export function argmax(t: Tensor, dim?: number | null, options?: ReduceOptions): Tensor { return todo('argmax'); }
export function argmin(t: Tensor, dim?: number | null, options?: ReduceOptions): Tensor { return todo('argmin'); }
export function variance(t: Tensor, dims?: Dims, options?: VarianceOptions): Tensor { return todo('var'); }
export function std(t: Tensor, dims?: Dims, options?: VarianceOptions): Tensor { return todo('std'); }
export function cumsum(t: Tensor, dim: number): Tensor { return todo('cumsum'); }
export function cumprod(t: Tensor, dim: number): Tensor { return todo('cumprod'); }
