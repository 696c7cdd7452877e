// STUB: owned by the tensor-elementwise helper; replace every function.
import type { Tensor, TensorLike } from './tensor.js';
const todo = (name: string): never => { throw new Error(`${name}: not implemented yet`); };
type Bin = (a: TensorLike, b: TensorLike) => Tensor;
type Un = (a: Tensor) => Tensor;
export const add: Bin = () => todo('add');
export const sub: Bin = () => todo('sub');
export const mul: Bin = () => todo('mul');
export const div: Bin = () => todo('div');
export const pow: Bin = () => todo('pow');
export const maximum: Bin = () => todo('maximum');
export const minimum: Bin = () => todo('minimum');
export const eq: Bin = () => todo('eq');
export const ne: Bin = () => todo('ne');
export const lt: Bin = () => todo('lt');
export const le: Bin = () => todo('le');
export const gt: Bin = () => todo('gt');
export const ge: Bin = () => todo('ge');
export const neg: Un = () => todo('neg');
export const abs: Un = () => todo('abs');
export const exp: Un = () => todo('exp');
export const log: Un = () => todo('log');
export const sqrt: Un = () => todo('sqrt');
export const tanh: Un = () => todo('tanh');
export const sigmoid: Un = () => todo('sigmoid');
export const relu: Un = () => todo('relu');
export function clamp(t: Tensor, min?: number | null, max?: number | null): Tensor { return todo('clamp'); }
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor { return todo('where'); }
export function addInPlace(t: Tensor, other: TensorLike, alpha: number): void { todo('addInPlace'); }
export function mulInPlace(t: Tensor, other: TensorLike): void { todo('mulInPlace'); }
export function divInPlace(t: Tensor, other: TensorLike): void { todo('divInPlace'); }
export function copyInPlace(t: Tensor, src: TensorLike): void { todo('copyInPlace'); }
