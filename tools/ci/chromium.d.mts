// Types for chromium.mjs (plain JavaScript so that `pnpm test` can run it before anything is built).
export declare const CHROMIUM_ENV_VARS: readonly string[];
export declare const SYSTEM_CHROMIUM_PATHS: readonly string[];
export declare function playwrightCacheDir(env?: NodeJS.ProcessEnv, home?: string, os?: NodeJS.Platform): string;
export declare function playwrightChromiums(cacheDir: string): string[];
export declare function chromiumCandidates(env?: NodeJS.ProcessEnv, home?: string): string[];
export declare function findChromium(
  env?: NodeJS.ProcessEnv,
  home?: string,
  exists?: (path: string) => boolean,
): string | null;
export declare function provisionPlan(osRelease: string, uid: number, hasAptGet: boolean): 'apt' | 'playwright';
export declare function ensureChromium(log?: (line: string) => void): string;
