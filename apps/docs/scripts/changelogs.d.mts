export interface PublishedPackage {
  readonly dir: string;
  readonly name: string;
  readonly version: string;
}
export declare function publishedPackages(): PublishedPackage[];
export declare function changelogPage(pkg: PublishedPackage, changelog: string | null): string;
