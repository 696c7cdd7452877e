// STUB: owned by the tensor-random helper; replace.
export {};
