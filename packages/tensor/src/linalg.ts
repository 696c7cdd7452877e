// STUB: owned by the tensor-reductions helper; replace every function.
import type { Tensor } from './tensor.js';
const todo = (name: string): never => { throw new Error(`${name}: not implemented yet`); };
export function matmul(a: Tensor, b: Tensor): Tensor { return todo('matmul'); }
export function mm(a: Tensor, b: Tensor): Tensor { return todo('mm'); }
export function dot(a: Tensor, b: Tensor): Tensor { return todo('dot'); }
