export declare const API_PACKAGES: readonly string[];
declare const config: Record<string, unknown>;
export default config;
