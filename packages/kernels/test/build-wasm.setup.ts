// vitest global setup: the tests run the TypeScript sources, which load dist/gemm.wasm, so compile
// the AssemblyScript when the .wasm is missing or older than its sources (a no-op after `pnpm build`).
import { buildWasm } from '../scripts/build-wasm.mjs';

export default async function setup(): Promise<void> {
  await buildWasm(false);
}
