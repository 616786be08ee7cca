// `make docs-cost`: rewrites the cost table between the README markers from the synthesized JSON
// of the reviewed defaults (no TASKBOARD_* overrides, so the table is the same on every machine).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENTS, loadConfig } from '../config';
import { COST_TABLE_README, loadPriceList, renderCostTable, replaceCostTable } from '../cost-table';
import { synthesize } from '../synth';

const dir = mkdtempSync(join(tmpdir(), 'taskboard-cost-'));
try {
  const files = synthesize(loadConfig({}), dir);
  const docs = Object.fromEntries(
    ENVIRONMENTS.map((env) => [env, files.filter((f) => f.name.startsWith(`${env}-`)).map((f) => f.doc)]),
  ) as Parameters<typeof renderCostTable>[0];
  const table = renderCostTable(docs, loadPriceList());
  writeFileSync(COST_TABLE_README, replaceCostTable(readFileSync(COST_TABLE_README, 'utf8'), table));
  console.log(`docs-cost: wrote the cost table into ${COST_TABLE_README}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
