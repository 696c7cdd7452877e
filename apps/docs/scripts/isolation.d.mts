import type { Plugin } from 'vite';

export declare const ISOLATION_HEADERS: Readonly<
  Record<'Cross-Origin-Opener-Policy' | 'Cross-Origin-Embedder-Policy', string>
>;
export declare function crossOriginIsolation(): Plugin;
