// Prints the one closing line CI reads, "N passed, N failed", summed over every package and app,
// from vitest's JSON report. Exits non-zero when the test command failed or any test failed.
import { existsSync, readFileSync } from 'node:fs';

const [reportPath, statusArg = '0'] = process.argv.slice(2);
const status = Number(statusArg);
let passed = 0;
let failed = 0;
if (reportPath && existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numTodoTests ?? 0) + (report.numPendingTests ?? 0);
  // A test file that failed to load counts as a failure even though it ran no test.
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1;
  }
} else {
  // The build or the runner itself failed before any test reported.
  failed = 1;
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || status !== 0 || passed === 0 ? 1 : 0);
