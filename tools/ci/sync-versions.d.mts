// Types for sync-versions.mjs.
export declare const VERSION_FILES: Record<string, readonly [string, string]>;
export declare function syncVersions(root: string): string[];
