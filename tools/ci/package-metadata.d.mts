// Types for package-metadata.mjs.
export declare const REPOSITORY: string;
export declare const HOMEPAGE: string;
export declare const AUTHOR: string;
export declare const NODE_ENGINES: string;
export declare const FILES: readonly string[];
export declare const SOURCE_CONDITION: string;
export declare function publicPackages(root: string): { folder: string; manifest: Record<string, unknown> }[];
export declare function publishedExports(exports: unknown): unknown;
export declare function withMetadata(manifest: Record<string, unknown>, folder: string): Record<string, unknown>;
export declare function metadataProblems(root: string): string[];
