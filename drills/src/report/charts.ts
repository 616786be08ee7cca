import * as echarts from 'echarts';
import type { IncidentReport } from './incident-report';

const WIDTH = 900;
const HEIGHT = 320;
const FAULT_COLOR = 'rgba(220, 53, 69, 0.15)';

/** Renders one chart to an SVG string, headlessly (echarts' server-side SVG renderer: no DOM, no browser). */
function render(option: echarts.EChartsCoreOption, height = HEIGHT): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height });
  chart.setOption({ animation: false, backgroundColor: '#ffffff', ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** The fault window, shaded, on the x axis of a time chart (seconds since the start). */
function faultArea(report: IncidentReport) {
  return {
    silent: true,
    itemStyle: { color: FAULT_COLOR },
    label: { show: true, position: 'insideTop', formatter: 'fault', color: '#b02a37' },
    data: [[{ xAxis: report.faultWindow.start }, { xAxis: report.faultWindow.end }]],
  };
}

const timeAxis = (report: IncidentReport) => ({
  type: 'value',
  name: 's',
  min: 0,
  max: Math.max(report.faultWindow.end, ...report.timeline.map((p) => p.t)) + 1,
});

const base = (title: string) => ({
  title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
  grid: { left: 60, right: 60, top: 50, bottom: 40 },
  legend: { bottom: 0 },
});

export function trafficChart(report: IncidentReport): string {
  return render({
    ...base('Requests and errors per second'),
    xAxis: timeAxis(report),
    yAxis: { type: 'value', name: 'req/s' },
    series: [
      {
        name: 'succeeded',
        type: 'bar',
        stack: 'r',
        barWidth: 4,
        color: '#2f9e44',
        data: report.timeline.map((p) => [p.t, p.requests - p.errors]),
        markArea: faultArea(report),
      },
      {
        name: 'failed (5xx / no answer)',
        type: 'bar',
        stack: 'r',
        barWidth: 4,
        color: '#e03131',
        data: report.timeline.map((p) => [p.t, p.errors]),
      },
    ],
  });
}

export function latencyChart(report: IncidentReport): string {
  const line = (
    name: string,
    color: string,
    pick: (p: IncidentReport['timeline'][number]) => number | undefined,
  ) => ({
    name,
    type: 'line',
    showSymbol: false,
    color,
    connectNulls: false,
    data: report.timeline.map((p) => [p.t, pick(p) ?? null]),
  });
  return render({
    ...base('Latency per second (ms)'),
    xAxis: timeAxis(report),
    yAxis: { type: 'value', name: 'ms' },
    series: [
      { ...line('p50', '#1c7ed6', (p) => p.p50Ms), markArea: faultArea(report) },
      line('p95', '#f08c00', (p) => p.p95Ms),
      line('p99', '#c92a2a', (p) => p.p99Ms),
    ],
  });
}

const STATE_VALUE = { inactive: 0, pending: 1, firing: 2 } as const;

/** Step lines per alert: 0 inactive, 1 pending, 2 firing. */
export function alertsChart(report: IncidentReport): string {
  const end = timeAxis(report).max;
  const series = report.alerts.map((a, i) => ({
    name: a.name,
    type: 'line',
    step: 'end',
    showSymbol: false,
    data: [
      [0, 0],
      ...a.transitions.map((tr) => [tr.t, STATE_VALUE[tr.state]]),
      [end, STATE_VALUE[a.transitions.at(-1)?.state ?? 'inactive']],
    ],
    ...(i === 0 ? { markArea: faultArea(report) } : {}),
  }));
  return render({
    ...base('Alert states (0 inactive, 1 pending, 2 firing)'),
    xAxis: timeAxis(report),
    yAxis: { type: 'value', min: 0, max: 2, interval: 1 },
    series:
      series.length > 0
        ? series
        : [
            {
              name: 'no alert was active',
              type: 'line',
              data: [
                [0, 0],
                [end, 0],
              ],
              markArea: faultArea(report),
            },
          ],
  });
}

/** Step lines per replica: 1 ready, 0 not ready or not answering. */
export function readinessChart(report: IncidentReport): string {
  const series = (report.readiness ?? []).map((r, i) => ({
    name: r.name,
    type: 'line',
    step: 'end',
    showSymbol: false,
    // Offset so overlapping replicas stay visible.
    data: r.points.map((p) => [p.t, (p.ready ? 1 : 0) + i * 0.04]),
    ...(i === 0 ? { markArea: faultArea(report) } : {}),
  }));
  return render({
    ...base('Readiness per replica (1 ready, 0 not ready)'),
    xAxis: timeAxis(report),
    yAxis: { type: 'value', min: 0, max: 1.2, interval: 1 },
    series,
  });
}
