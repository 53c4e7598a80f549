#!/usr/bin/env node
// Sums jest --json results into CI's closing line: `tests: N passed, M failed`.
// A suite that failed to run counts as one failure; a missing result file too.
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
const files = process.argv.slice(2);
for (const file of files) {
  if (!existsSync(file)) {
    console.log(`no test results in ${file}`);
    failed += 1;
    continue;
  }
  const result = JSON.parse(readFileSync(file, "utf8"));
  passed += result.numPassedTests;
  failed += result.numFailedTests + result.numRuntimeErrorTestSuites;
}
if (files.length === 0) failed += 1;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
