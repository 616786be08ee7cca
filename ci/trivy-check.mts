// make security's verdict over trivy's JSON reports: fails on any unsuppressed finding, on an
// invalid ignore entry, and on an entry that suppressed nothing (stale once its finding is fixed).
// Usage: node ci/trivy-check.mts <.trivyignore.yaml> <report.json>... (each beside its <name>.all.json,
// the same scan without the ignore file)
import { readFileSync } from 'node:fs';
import {
  describeFinding,
  type Finding,
  ignoreEntries,
  ignoreProblems,
  reportFindings,
  unusedEntries,
} from './trivy-findings.ts';

const [ignoreFile, ...reports] = process.argv.slice(2);
if (!ignoreFile || reports.length === 0) {
  console.error('usage: node ci/trivy-check.mts <.trivyignore.yaml> <report.json>...');
  process.exit(2);
}

const entries = ignoreEntries(readFileSync(ignoreFile, 'utf8'));
const failed: Finding[] = [];
const suppressed: Finding[] = [];
for (const file of reports) {
  const read = (f: string) => JSON.parse(readFileSync(f, 'utf8'));
  const found = reportFindings(read(file), read(file.replace(/\.json$/, '.all.json')));
  failed.push(...found.failed);
  suppressed.push(...found.suppressed);
  console.log(`security: ${file}: ${found.failed.length} failed, ${found.suppressed.length} suppressed`);
}

const problems = [
  ...ignoreProblems(entries).map((p) => `${ignoreFile}: ${p}`),
  ...failed.map((f) => `unsuppressed: ${describeFinding(f)}`),
  ...unusedEntries(entries, suppressed).map(
    (e) =>
      `${ignoreFile}: entry ${e.id} [${e.paths.join(', ')}] suppressed nothing: delete it (fixed?) or fix its paths`,
  ),
];
for (const p of problems) console.error(`security: ${p}`);
if (problems.length > 0) process.exit(1);
console.log(
  `security: no unsuppressed misconfiguration; ${suppressed.length} findings suppressed by ${entries.length} entries`,
);
