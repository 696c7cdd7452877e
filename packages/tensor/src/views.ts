// STUB: owned by the tensor-views helper; replace every function.
import type { DType } from './dtype.js';
import type { Shape } from './shape.js';
import type { Tensor } from './tensor.js';
const todo = (name: string): never => { throw new Error(`${name}: not implemented yet`); };
export function to(t: Tensor, dtype: DType): Tensor { return todo('to'); }
export function contiguous(t: Tensor): Tensor { return todo('contiguous'); }
export function clone(t: Tensor): Tensor { return todo('clone'); }
export function reshape(t: Tensor, shape: Shape): Tensor { return todo('reshape'); }
export function view(t: Tensor, shape: Shape): Tensor { return todo('view'); }
export function t(x: Tensor): Tensor { return todo('t'); }
export function transpose(t: Tensor, dim0: number, dim1: number): Tensor { return todo('transpose'); }
export function permute(t: Tensor, dims: readonly number[]): Tensor { return todo('permute'); }
export function expand(t: Tensor, shape: Shape): Tensor { return todo('expand'); }
export function squeeze(t: Tensor, dim?: number): Tensor { return todo('squeeze'); }
export function unsqueeze(t: Tensor, dim: number): Tensor { return todo('unsqueeze'); }
export function flatten(t: Tensor, startDim?: number, endDim?: number): Tensor { return todo('flatten'); }
export function narrow(t: Tensor, dim: number, start: number, length: number): Tensor { return todo('narrow'); }
