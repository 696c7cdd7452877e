export declare function siteBase(raw?: string): string;
export declare function repositoryUrl(repoRoot: string): string;
export declare function repositoryBranch(): string;
