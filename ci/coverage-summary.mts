// Prints vitest's json-summary (coverage/coverage-summary.json) as a Markdown table for the
// GitHub job summary. Usage: node ci/coverage-summary.mts <coverage-summary.json>
import { existsSync, readFileSync } from 'node:fs';

type Metric = { total: number; covered: number; pct: number };
const METRICS = ['lines', 'statements', 'functions', 'branches'] as const;

export function coverageMarkdown(summary: Record<string, Record<string, Metric>>): string {
  const total = summary.total;
  if (!total) throw new Error('coverage summary has no "total" entry');
  const rows = METRICS.map(
    (m) => `| ${m} | ${total[m]?.pct ?? 0}% | ${total[m]?.covered}/${total[m]?.total} |`,
  );
  return ['### API test coverage', '', '| metric | covered | count |', '|---|---|---|', ...rows, ''].join(
    '\n',
  );
}

const file = process.argv[2];
if (file !== undefined && import.meta.url === `file://${process.argv[1]}`) {
  if (!existsSync(file)) {
    console.log(
      `### API test coverage\n\nNo ${file}: the test step did not get as far as writing coverage.\n`,
    );
  } else {
    console.log(coverageMarkdown(JSON.parse(readFileSync(file, 'utf8'))));
  }
}
