/** Builds every stale `.wasm` target (or all with `force`); rejects with the compiler's output on failure. */
export function buildWasm(force?: boolean): Promise<void>;
