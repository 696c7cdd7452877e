// The test suites' device: the default WebGPU context. With no adapter this rejects and every file
// that imports it fails loudly (never a skip).
import { getWebGPUInfo, initWebGPU } from '../src/index.js';

export const gpu = await initWebGPU();

/** Asserts that the last dispatch was `kernel`, on the WebGPU device. */
export function ranOn(kernel: string): boolean {
  const info = getWebGPUInfo();
  return info.available && info.lastKernel === kernel && info.error === '';
}
