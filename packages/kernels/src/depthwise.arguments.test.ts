// isDepthwiseConv2d refuses a geometry that is no object with KernelArgumentError (a TorchletError
// by name and fields) rather than a raw TypeError from reading `groups` of null.
import { describe, expect, it } from 'vitest';
import { isDepthwiseConv2d } from './depthwise.js';
import { KernelArgumentError } from './errors.js';

describe('isDepthwiseConv2d arguments', () => {
  it.each([undefined, null, 3, 'g', Symbol('g')])('rejects %s', (g) => {
    expect(() => isDepthwiseConv2d(g as never)).toThrowError(KernelArgumentError);
    expect(() => isDepthwiseConv2d(g as never)).toThrowError(
      /^isDepthwiseConv2d: expected a Conv2dGeometry object, got /,
    );
  });
  it('answers false for an object with other fields', () => {
    expect(isDepthwiseConv2d({} as never)).toBe(false);
  });
});
