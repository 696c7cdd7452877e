/**
 * `@torchlet/doctest`: finds the TSDoc `@example` blocks and runnable guide blocks of the
 * repository, type-checks them and runs them, comparing `// -> value` result comments.
 *
 * @packageDocumentation
 */

export { collectRepoExamples, markdownFiles, packageDirs, sourceFiles } from './collect.js';
export { findUndocumentedExports, loadCompilerOptions, type UndocumentedExport } from './exports.js';
export { type Example, extractMarkdownExamples, extractTsExamples, isRunnableFence, listFiles } from './extract.js';
export { type CheckReport, deepEqual, installRecorder, show, uninstallRecorder } from './runtime.js';
export { DOCTEST_DIR, DoctestSession, type ExampleResult, REPO_ROOT } from './session.js';
export { type ResultCheck, RUNTIME_GLOBAL, type Transformed, transformSnippet } from './transform.js';
