import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helm/taskboard/test/support/helm';
import {
  type IgnoreEntry,
  ignoreEntries,
  ignoreProblems,
  MAX_STATEMENT,
  reportFindings,
  unusedEntries,
} from '../trivy-findings';

const IGNORE_FILE = join(REPO_ROOT, '.trivyignore.yaml');
const entries = ignoreEntries(readFileSync(IGNORE_FILE, 'utf8'));
describe('.trivyignore.yaml', () => {
  it('has entries, each with an id, the narrowest paths and a one-line reason', () => {
    expect(ignoreProblems(entries)).toEqual([]);
  });

  it('lists each entry under the file it names (no path outside the scanned targets)', () => {
    // make security's targets: Dockerfile, <env>.yaml (rendered chart), <env>-<stack>/cdk.tf.json.
    const known = /^(Dockerfile|(dev|prod)\.yaml|(dev|prod|\*)-[a-z-]+\/cdk\.tf\.json)$/;
    for (const e of entries) for (const p of e.paths) expect(p, `${e.id} ${p}`).toMatch(known);
  });
});

describe('the ignore-entry rules bite', () => {
  const good: IgnoreEntry = { id: 'AWS-0132', paths: ['prod-data/cdk.tf.json'], statement: 'why' };
  it.each([
    [{ ...good, id: 'aws 132' }, /id must be a check id/],
    [{ ...good, paths: [] }, /paths must list/],
    [{ ...good, paths: undefined }, /paths must list/],
    [{ ...good, paths: ['**'] }, /global ignore/],
    [{ ...good, statement: '' }, /statement \(the reason\) is missing/],
    [{ ...good, statement: 'x'.repeat(MAX_STATEMENT + 1) }, /max 160/],
    [{ ...good, statement: 'one\ntwo' }, /one line/],
  ])('%o', (entry, message) => {
    expect(ignoreProblems([entry as IgnoreEntry]).join('\n')).toMatch(message);
  });
  it('two entries with one statement cannot be told apart in the report', () => {
    expect(ignoreProblems([good, { ...good, id: 'AWS-0090' }]).join('\n')).toMatch(/same statement/);
  });
});

describe('suppressed findings are what the scan without the ignore file adds', () => {
  const fail = (id: string, _target: string, resource: string) => ({
    ID: id,
    AVDID: id,
    Severity: 'HIGH',
    Status: 'FAIL',
    CauseMetadata: { Resource: resource, StartLine: 1 },
  });
  const report = (...found: [string, ReturnType<typeof fail>][]) => ({
    Results: found.map(([target, m]) => ({ Target: target, Misconfigurations: [m] })),
  });
  const a = fail('AWS-0177', 'dev-data/cdk.tf.json', 'aws_db_instance.postgres');
  const b = fail('AWS-0104', 'prod-network/cdk.tf.json', 'nodes-egress');
  const found = reportFindings(
    report(['prod-network/cdk.tf.json', b]),
    report(['dev-data/cdk.tf.json', a], ['prod-network/cdk.tf.json', b]),
  );
  it('splits failed from suppressed', () => {
    expect(found.failed.map((f) => f.id)).toEqual(['AWS-0104']);
    expect(found.suppressed.map((f) => f.id)).toEqual(['AWS-0177']);
  });
  it('an entry is used only when its id and a path glob match a suppressed finding', () => {
    const used: IgnoreEntry = { id: 'AWS-0177', paths: ['*-data/cdk.tf.json'], statement: 'a' };
    const wrongPath: IgnoreEntry = { ...used, paths: ['prod-data/cdk.tf.json'], statement: 'b' };
    const wrongId: IgnoreEntry = { ...used, id: 'AWS-0090', statement: 'c' };
    expect(unusedEntries([used, wrongPath, wrongId], found.suppressed)).toEqual([wrongPath, wrongId]);
  });
});

// The full proof runs in `make security` (ci/trivy-check.mts over fresh reports). Here, the
// last reports are re-checked when they are newer than the ignore file.
const REPORTS = join(REPO_ROOT, 'rendered/trivy');
const reports = existsSync(REPORTS)
  ? readdirSync(REPORTS).filter((f) => f.endsWith('.json') && !f.endsWith('.all.json'))
  : [];
const stale =
  reports.length === 0
    ? `no trivy reports in ${REPORTS}: run \`make security\``
    : reports.some((f) => statSync(join(REPORTS, f)).mtimeMs < statSync(IGNORE_FILE).mtimeMs)
      ? `the reports in ${REPORTS} are older than .trivyignore.yaml: run \`make security\``
      : undefined;
if (stale) console.info(`[skip] last trivy reports: ${stale}`);

describe.skipIf(stale !== undefined)('the last `make security` reports', () => {
  it('leave no finding unsuppressed and no entry unused', () => {
    const read = (f: string) => JSON.parse(readFileSync(join(REPORTS, f), 'utf8'));
    const all = reports.map((f) => reportFindings(read(f), read(f.replace(/\.json$/, '.all.json'))));
    expect(all.flatMap((r) => r.failed)).toEqual([]);
    expect(
      unusedEntries(
        entries,
        all.flatMap((r) => r.suppressed),
      ),
    ).toEqual([]);
  });
});
