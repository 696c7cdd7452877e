// STUB: owned by the tensor-elementwise helper; replace every function.
import type { Tensor } from './tensor.js';
const todo = (name: string): never => { throw new Error(`${name}: not implemented yet`); };
export function tril(t: Tensor, diagonal = 0): Tensor { return todo('tril'); }
export function triu(t: Tensor, diagonal = 0): Tensor { return todo('triu'); }
export function flip(t: Tensor, dims: number | readonly number[]): Tensor { return todo('flip'); }
export function roll(t: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor { return todo('roll'); }
