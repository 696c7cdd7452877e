// The app every bundler builds: a plain `await ready()` from @torchlet/tensor, then a product big
// enough to be split between threads; the page reports what ran.
import { getBackendInfo, matmul, ones, ready, setThreads } from '@torchlet/tensor';

setThreads(2);
ready().then(() => {
  const a = ones([256, 256]);
  const product = matmul(a, a);
  const info = getBackendInfo();
  globalThis.torchletResult = {
    isolated: globalThis.crossOriginIsolated === true,
    corner: product.get('0, 0').item(),
    wasmLoaded: info.wasmLoaded,
    threadsActive: info.threadsActive,
    lastKernel: info.lastKernel,
    error: info.error,
  };
  document.title = 'done';
});
