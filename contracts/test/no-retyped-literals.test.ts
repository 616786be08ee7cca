/**
 * ARCHITECTURE.md §5: metric names, buckets and SLO targets are defined once, here, and
 * imported everywhere else. A name retyped as a literal keeps "working" after a rename and
 * silently breaks a panel, a rule or a threshold, so this scans every workspace's sources.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HTTP_DURATION_BUCKETS, METRICS, RUM_METRICS, SLOS } from '../src';

const ROOT = join(__dirname, '..', '..');
const SCANNED = [
  'api/src',
  'api/bench',
  'api/test',
  'frontend/src',
  'frontend/e2e',
  'dashboards/src',
  'stacks',
  'main.ts',
];
const SKIP = /(^|\/)(node_modules|dist|generated|__snapshots__)(\/|$)/;

function sources(path: string): string[] {
  const abs = join(ROOT, path);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(abs);
  } catch {
    return []; // a workspace that does not exist yet
  }
  if (stat.isFile()) return [abs];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|vue|mts)$/.test(f) && !SKIP.test(f))
    .map((f) => join(abs, f));
}

const FILES = SCANNED.flatMap(sources).map((f) => ({
  file: relative(ROOT, f),
  text: readFileSync(f, 'utf8'),
}));

describe('the contract is imported, never retyped', () => {
  it('scans the workspaces that exist', () => {
    expect(FILES.length).toBeGreaterThan(20);
  });

  it('no source names a contract metric as a string literal', () => {
    const names = [...Object.values(METRICS), ...Object.values(RUM_METRICS)].map((m) => m.name);
    const found = FILES.flatMap(({ file, text }) =>
      names
        .filter((n) => new RegExp(`['"\`]${n}(_bucket|_count|_sum)?\\b`).test(text))
        .map((n) => `${file}: ${n}`),
    );
    expect(found).toEqual([]);
  });

  it('no source retypes the latency buckets or an SLO objective', () => {
    const buckets = HTTP_DURATION_BUCKETS.join(',\\s*');
    const objectives = [...new Set(Object.values(SLOS).map((s) => String(s.objective).replace('.', '\\.')))];
    const found = FILES.flatMap(({ file, text }) => [
      ...(new RegExp(`\\[\\s*${buckets}`).test(text) ? [`${file}: latency buckets`] : []),
      ...objectives
        .filter((o) => new RegExp(`objective\\s*[:=]\\s*${o}\\b`).test(text))
        .map((o) => `${file}: ${o}`),
    ]);
    expect(found).toEqual([]);
  });
});
