/** Static checks of the generated Grafana dashboards. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS } from '@taskboard/contracts';
import { describe, expect, it } from 'vitest';
import { DATASOURCE } from '../src/grafana/kit';
import { APP_METRICS, EXPORTED_BY_OTHERS, metricNames, PROCESS_METRICS } from '../src/known-metrics';
import { GRAFANA_DIR, generatedFiles, ruleFiles } from '../src/outputs';
import { isAlertingRule } from '../src/rules/types';
import { WORKSPACE } from './promtool/run';

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr?: string; exemplar?: boolean; datasource?: { uid: string } }[];
}
interface Board {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string }[] };
  links: { url?: string; type: string }[];
}

const files = [...generatedFiles().keys()].filter((p) => p.startsWith(`${GRAFANA_DIR}/`));
const boards = files.map((f) => JSON.parse(readFileSync(join(WORKSPACE, f), 'utf8')) as Board);
const panels = boards.flatMap((b) =>
  b.panels.filter((p) => p.type !== 'row').map((p) => ({ board: b.uid, ...p })),
);
const rules = [...ruleFiles().values()].flatMap((f) => f.groups.flatMap((g) => g.rules));
const RECORDED = new Set(rules.flatMap((r) => ('record' in r ? [r.record] : [])));
const KNOWN = new Set([...APP_METRICS, ...PROCESS_METRICS, ...EXPORTED_BY_OTHERS, ...RECORDED]);

describe('Grafana dashboards', () => {
  it('are four valid JSON files with unique uids and titles', () => {
    expect(boards.map((b) => b.uid).sort()).toEqual([
      'taskboard-dependencies',
      'taskboard-golden-signals',
      'taskboard-slos',
      'taskboard-user-experience',
    ]);
    expect(new Set(boards.map((b) => b.title)).size).toBe(boards.length);
  });

  it('have unique panel ids and every panel has a query on the datasource variable', () => {
    for (const board of boards) {
      const ids = board.panels.map((p) => p.id);
      expect(new Set(ids).size, board.uid).toBe(ids.length);
    }
    expect(panels.length).toBeGreaterThan(30);
    for (const panel of panels) {
      expect(panel.targets?.length, `${panel.board}: ${panel.title}`).toBeGreaterThan(0);
      expect(panel.datasource?.uid).toBe(DATASOURCE.uid);
      for (const t of panel.targets ?? []) {
        expect(t.expr?.trim().length, `${panel.board}: ${panel.title}`).toBeGreaterThan(0);
        expect(t.datasource?.uid).toBe(DATASOURCE.uid);
      }
    }
  });

  it('show exemplars (trace ids) on the API request-latency panels, and only there', () => {
    const latency = `${METRICS.httpRequestDuration.name}_bucket`;
    const withExemplars = panels.filter((p) => p.targets?.some((t) => t.exemplar === true));
    expect(withExemplars.map((p) => `${p.board}: ${p.title}`)).toEqual([
      'taskboard-golden-signals: Latency percentiles',
      'taskboard-golden-signals: p95 latency by route',
    ]);
    for (const p of withExemplars) {
      for (const t of p.targets ?? []) {
        // Exemplars hang on the API's request histogram: it is the one the API attaches trace ids to.
        expect(t.expr).toContain(latency);
        expect(t.exemplar).toBe(true);
      }
    }
  });

  it('colour thresholds in ascending steps, as Grafana reads them', () => {
    for (const panel of panels as (Panel & {
      fieldConfig?: { defaults?: { thresholds?: { steps: { value: number | null }[] } } };
    })[]) {
      const steps = panel.fieldConfig?.defaults?.thresholds?.steps ?? [];
      const values = steps.slice(1).map((s) => s.value ?? Number.NaN);
      expect(steps[0]?.value ?? null, panel.title).toBeNull();
      expect(values, panel.title).toEqual([...values].sort((a, b) => a - b));
    }
  });

  it('offer datasource, namespace and pod variables and link to the runbooks', () => {
    for (const board of boards) {
      expect(board.templating.list.map((v) => v.name)).toEqual(['datasource', 'namespace', 'pod']);
      expect(board.links.some((l) => l.url === 'docs/runbooks/README.md')).toBe(true);
    }
  });

  it('the metric-name extractor sees through functions, labels, ranges, grouping and variables', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(a_bucket{route!~"/x|y",le="0.5"}[$__rate_interval]))) / on (pod) group_left b_total or vector(1) and slo:x:ratio_rate5m{slo="s"} > bool 2',
      ),
    ).toEqual(['a_bucket', 'b_total', 'slo:x:ratio_rate5m']);
  });

  it('query only metrics the API, its rules or the deployed exporters expose', () => {
    const unknown = panels.flatMap((p) =>
      (p.targets ?? []).flatMap((t) =>
        metricNames(t.expr ?? '')
          .filter((m) => !KNOWN.has(m))
          .map((m) => `${p.board}/${p.title}: ${m}`),
      ),
    );
    expect(unknown).toEqual([]);
  });

  it('alerts too name only metrics that something exposes', () => {
    const unknown = rules.filter(isAlertingRule).flatMap((r) =>
      metricNames(r.expr)
        .filter((m) => !KNOWN.has(m))
        .map((m) => `${r.alert}: ${m}`),
    );
    expect(unknown).toEqual([]);
  });
});
