// STUB: owned by the tensor-indexing helper; replace.
/**
 * Test helpers for torchlet tensors.
 *
 * @packageDocumentation
 */
export {};
