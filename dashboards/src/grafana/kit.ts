/**
 * Small helpers over @grafana/grafana-foundation-sdk so each dashboard module reads as a list of
 * panels: every query goes to the `$datasource` variable, every app query filters by the
 * `$namespace` and `$pod` variables, and units/legends are explicit.
 */

import {
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
} from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { HTTP_REQUESTS_TOTAL } from '../promql';
import { RUNBOOK_DIR } from '../runbooks';

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, resolved by Grafana.
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

/** Label filter every app query carries; the "All" value `.*` also matches series without the label. */
export const POD_FILTER = 'namespace=~"$namespace",pod=~"$pod"';

export interface Query {
  readonly expr: string;
  readonly legend: string;
  /** Also fetch the series' exemplars: points that carry a trace id, linked to the trace. */
  readonly exemplar?: boolean;
}

export const q = (expr: string, legend: string, o: { exemplar?: boolean } = {}): Query => ({
  expr,
  legend,
  ...(o.exemplar ? { exemplar: true } : {}),
});

function targets(queries: readonly Query[]): DataqueryBuilder[] {
  return queries.map((query, i) => {
    const target = new DataqueryBuilder()
      .expr(query.expr)
      .legendFormat(query.legend)
      .refId(String.fromCharCode(65 + i))
      .datasource(DATASOURCE);
    return query.exemplar ? target.exemplar(true) : target;
  });
}

export interface PanelOptions {
  readonly description?: string;
  readonly unit?: string;
  readonly width?: number;
  readonly min?: number;
  readonly max?: number;
  /** Threshold lines (e.g. alert thresholds), dashed on graphs, colouring stats. */
  readonly lines?: readonly number[];
  readonly higherIsBetter?: boolean;
}

/**
 * Colour steps from the lines, ascending as Grafana expects. By default higher is worse (alert
 * thresholds): green below the lowest line, red from the highest. `higherIsBetter` flips it
 * (budget remaining, "up" gauges).
 */
function thresholds(lines: readonly number[], higherIsBetter = false): ThresholdsConfigBuilder {
  const sorted = [...lines].sort((a, b) => a - b);
  const [base, top] = higherIsBetter ? ['red', 'green'] : ['green', 'red'];
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps([
      { value: null, color: base },
      ...sorted.map((value, i) => ({ value, color: i === sorted.length - 1 ? top : 'orange' })),
    ]);
}

export function timeseries(title: string, queries: readonly Query[], o: PanelOptions = {}): TimeseriesPanel {
  let panel = new TimeseriesPanel()
    .title(title)
    .datasource(DATASOURCE)
    .targets(targets(queries))
    .unit(o.unit ?? 'short')
    .gridPos({ x: 0, y: 0, w: o.width ?? 12, h: 8 })
    .fillOpacity(10);
  if (o.description) panel = panel.description(o.description);
  if (o.min !== undefined) panel = panel.min(o.min);
  if (o.max !== undefined) panel = panel.max(o.max);
  if (o.lines?.length) {
    panel = panel
      .thresholds(thresholds(o.lines, o.higherIsBetter))
      .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
  }
  return panel;
}

export function stat(title: string, queries: readonly Query[], o: PanelOptions = {}): StatPanel {
  let panel = new StatPanel()
    .title(title)
    .datasource(DATASOURCE)
    .targets(targets(queries))
    .unit(o.unit ?? 'short')
    .gridPos({ x: 0, y: 0, w: o.width ?? 6, h: 5 });
  if (o.description) panel = panel.description(o.description);
  if (o.min !== undefined) panel = panel.min(o.min);
  if (o.max !== undefined) panel = panel.max(o.max);
  if (o.lines?.length) panel = panel.thresholds(thresholds(o.lines, o.higherIsBetter));
  return panel;
}

export const row = (title: string) => new RowBuilder(title);

/** A dashboard with the datasource, namespace and pod variables and links to its siblings and runbooks. */
export function dashboard(uid: string, title: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['taskboard', 'generated'])
    .editable()
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('utc')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(
      new QueryVariableBuilder('namespace')
        .label('Namespace')
        .datasource(DATASOURCE)
        .query(`label_values(${HTTP_REQUESTS_TOTAL}, namespace)`)
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .includeAll(true)
        .allValue('.*')
        .multi(true),
    )
    .withVariable(
      new QueryVariableBuilder('pod')
        .label('Pod')
        .datasource(DATASOURCE)
        .query(`label_values(${HTTP_REQUESTS_TOTAL}{namespace=~"$namespace"}, pod)`)
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .includeAll(true)
        .allValue('.*')
        .multi(true),
    )
    .link(
      new DashboardLinkBuilder('Taskboard dashboards')
        .type(DashboardLinkType.Dashboards)
        .tags(['taskboard'])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    )
    .link(
      new DashboardLinkBuilder('Runbooks')
        .type(DashboardLinkType.Link)
        .url(`${RUNBOOK_DIR}/README.md`)
        .targetBlank(true),
    );
}
