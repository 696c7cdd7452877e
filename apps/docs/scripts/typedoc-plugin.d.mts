export declare function pytorchUrl(name: string): string;
export declare function slugify(heading: string): string;
export declare function anchorsOf(markdown: string): Set<string>;
export declare function fixFragments(pages: Map<string, string>): Map<string, string>;
export declare function load(app: unknown): void;
export interface CommentLike {
  summary: { kind: string; text: string }[];
  blockTags: { tag: string; content: { kind: string; text: string }[] }[];
}
export declare function rewriteComment(comment: CommentLike | undefined): void;
export declare const DESCRIBED_PACKAGES: string[];
export declare function missingDescriptions(project: unknown): string[];
