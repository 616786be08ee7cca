/**
 * ARCHITECTURE.md §5: metric names and SLO targets are defined once, in contracts/, and imported.
 * A name retyped in the generator would keep "working" after a rename and silently break a panel.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, NON_USER_ROUTES, RUM_METRICS, SLOS, UNMATCHED_ROUTE } from '@taskboard/contracts';
import { describe, expect, it } from 'vitest';
import { WORKSPACE } from './promtool/run';

const SOURCES = readdirSync(join(WORKSPACE, 'src'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: readFileSync(join(WORKSPACE, 'src', f), 'utf8') }));

describe('the generator imports the contract instead of retyping it', () => {
  it('names no contract metric, route constant or SLO name literally', () => {
    const literals = [
      ...[...Object.values(METRICS), ...Object.values(RUM_METRICS)].map((m) => m.name),
      UNMATCHED_ROUTE,
      ...NON_USER_ROUTES.map((r) => `'${r}'`),
      ...Object.values(SLOS).map((s) => `'${s.name}'`),
    ];
    const found = SOURCES.flatMap(({ file, text }) =>
      literals.filter((l) => text.includes(l)).map((l) => `${file}: ${l}`),
    );
    expect(found).toEqual([]);
  });

  it('writes no SLO objective as a number', () => {
    const objectives = [...new Set(Object.values(SLOS).map((s) => String(s.objective)))];
    const found = SOURCES.flatMap(({ file, text }) =>
      objectives
        .filter((o) => new RegExp(`objective\\s*[:=]\\s*${o.replace('.', '\\.')}\\b`).test(text))
        .map((o) => `${file}: ${o}`),
    );
    expect(found).toEqual([]);
  });
});
