/** The snippets of one source file: name -> code (dedented, no marker lines). */
export function snippetsOf(source: string, file: string): Map<string, string>;
/** Every snippet under `srcDir/exercises`, in file then source order. */
export function extractSnippets(srcDir: string): Map<string, string>;
/** The text of src/snippets.generated.json for these snippets. */
export function renderSnippetsJson(snippets: Map<string, string>): string;
