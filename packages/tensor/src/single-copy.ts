// One @torchlet/tensor per app. Every package above builds on this one's Tensor class, brand and
// errors; a second copy (say @torchlet/ops installed against 0.1 and the app on 0.2, each with its
// own nested copy) would make tensors from one copy foreign to the other. The first tensor each copy
// creates records the copy in a global slot; a second, different copy throws, naming both. Lazy
// (on first use, not at import) so importing stays free of side effects.

import { TorchletError } from './errors.js';
import { TENSOR_VERSION } from './version.js';

interface CopyRecord {
  readonly version: string;
  readonly url: string;
}

const SLOT = Symbol.for('@torchlet/tensor/loaded-copy');
let checked = false;

/** This module's location without query or hash (dev servers add `?t=` on hot reloads). */
function location(): string {
  const url = import.meta.url;
  const end = url.search(/[?#]/);
  return end < 0 ? url : url.slice(0, end);
}

/**
 * Records this copy of the package on first call; throws a `TorchletError` when another copy was
 * recorded first, naming both versions and locations.
 */
export function assertSingleCopy(): void {
  if (checked) return;
  const global = globalThis as { [SLOT]?: CopyRecord };
  const mine: CopyRecord = { version: TENSOR_VERSION, url: location() };
  const first = global[SLOT];
  if (first === undefined) {
    Object.defineProperty(global, SLOT, { value: mine, enumerable: false });
  } else if (first.url !== mine.url) {
    throw new TorchletError(
      'Tensor',
      '',
      `two copies of @torchlet/tensor are loaded: ${first.version} (${first.url}) and ${mine.version} ` +
        `(${mine.url}). Every torchlet package must share one: align their versions so the package ` +
        'manager installs a single @torchlet/tensor (npm ls @torchlet/tensor shows who pulls in which)',
    );
  }
  checked = true;
}
