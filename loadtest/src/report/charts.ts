/**
 * SVG charts rendered headlessly by ECharts' server-side renderer (pure JS: no browser, no canvas,
 * no native build). Timelines take an x axis in seconds since the run started and can shade fault
 * windows and mark annotations (the drill harness shades the fault it injected).
 */
import * as echarts from 'echarts';
import type { LatencyBand, TimelinePoint } from './series';

export const CHART_SIZE = { width: 820, height: 320 } as const;

/** A span to shade, in epoch milliseconds (converted to the run's relative seconds). */
export interface FaultWindow {
  readonly label: string;
  readonly start: number;
  readonly end: number;
}

/** A vertical marker at an instant, in epoch milliseconds. */
export interface Annotation {
  readonly label: string;
  readonly at: number;
}

export interface Overlay {
  /** Epoch ms of the run's start (`runStart(result)`), the origin of the x axis. */
  readonly origin: number;
  readonly faultWindows?: readonly FaultWindow[];
  readonly annotations?: readonly Annotation[];
}

export interface LineSeries {
  readonly name: string;
  /** [seconds since origin, value]; null values leave a gap. */
  readonly points: readonly (readonly [number, number | null])[];
  readonly dashed?: boolean;
}

export interface LineChart {
  readonly title: string;
  readonly yName: string;
  readonly series: readonly LineSeries[];
  /** Horizontal reference lines, e.g. a threshold. */
  readonly thresholds?: readonly { readonly label: string; readonly value: number }[];
  readonly overlay?: Overlay;
  readonly yMax?: number;
}

const PALETTE = ['#2f6fdf', '#e8a317', '#d6336c', '#2b8a3e', '#7048e8', '#868e96'];

function render(option: echarts.EChartsCoreOption, size = CHART_SIZE): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, ...size });
  try {
    chart.setOption({ animation: false, color: PALETTE, backgroundColor: '#ffffff', ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const seconds = (overlay: Overlay, epochMs: number) =>
  Math.round(((epochMs - overlay.origin) / 1000) * 10) / 10;

function overlayMarks(overlay: Overlay | undefined, thresholds: LineChart['thresholds']) {
  const markArea = overlay?.faultWindows?.length
    ? {
        silent: true,
        itemStyle: { color: 'rgba(224, 49, 49, 0.14)' },
        label: { color: '#c92a2a', position: 'insideTop' },
        data: overlay.faultWindows.map((f) => [
          { name: f.label, xAxis: seconds(overlay, f.start) },
          { xAxis: seconds(overlay, f.end) },
        ]),
      }
    : undefined;
  const lines = [
    ...(overlay?.annotations ?? []).map((a) => ({
      name: a.label,
      xAxis: seconds(overlay as Overlay, a.at),
      lineStyle: { color: '#495057', type: 'dashed' },
      label: { formatter: a.label, position: 'insideEndTop' },
    })),
    ...(thresholds ?? []).map((t) => ({
      name: t.label,
      yAxis: t.value,
      lineStyle: { color: '#c92a2a', type: 'solid' },
      label: { formatter: t.label, position: 'insideEndTop' },
    })),
  ];
  const markLine = lines.length ? { silent: true, symbol: 'none', data: lines } : undefined;
  return { markArea, markLine };
}

/** A line chart over the run's timeline, with optional thresholds, fault windows and annotations. */
export function lineChartSvg(chart: LineChart): string {
  const marks = overlayMarks(chart.overlay, chart.thresholds);
  return render({
    title: { text: chart.title, left: 'center', textStyle: { fontSize: 14 } },
    legend: { bottom: 0 },
    grid: { left: 64, right: 24, top: 56, bottom: 56 },
    xAxis: { type: 'value', name: 's', nameLocation: 'end', min: 0 },
    yAxis: { type: 'value', name: chart.yName, max: chart.yMax },
    series: chart.series.map((s, i) => ({
      name: s.name,
      type: 'line',
      showSymbol: s.points.length <= 1,
      connectNulls: false,
      lineStyle: s.dashed ? { type: 'dashed' } : undefined,
      data: s.points.map(([x, y]) => [x, y]),
      // Marks ride on the first series so they are drawn once.
      ...(i === 0 ? marks : {}),
    })),
  });
}

const series = (points: readonly TimelinePoint[], pick: (p: TimelinePoint) => number | null) =>
  points.map((p) => [p.t, pick(p)] as const);

export function latencyTimelineSvg(
  points: readonly TimelinePoint[],
  options: { overlay?: Overlay; thresholdMs?: number; title?: string } = {},
): string {
  return lineChartSvg({
    title: options.title ?? 'Response time per 10 s window',
    yName: 'ms',
    series: [
      { name: 'p50', points: series(points, (p) => p.p50) },
      { name: 'p95', points: series(points, (p) => p.p95) },
      { name: 'p99', points: series(points, (p) => p.p99) },
    ],
    thresholds:
      options.thresholdMs === undefined
        ? []
        : [{ label: `p95 SLO ${options.thresholdMs} ms`, value: options.thresholdMs }],
    overlay: options.overlay,
  });
}

export function throughputTimelineSvg(
  points: readonly TimelinePoint[],
  options: { overlay?: Overlay; title?: string } = {},
): string {
  return lineChartSvg({
    title: options.title ?? 'Requests per second',
    yName: 'req/s',
    series: [{ name: 'req/s', points: series(points, (p) => p.requestsPerSecond) }],
    overlay: options.overlay,
  });
}

export function errorRatioTimelineSvg(
  points: readonly TimelinePoint[],
  options: { overlay?: Overlay; maxRatio?: number; title?: string } = {},
): string {
  return lineChartSvg({
    title: options.title ?? 'Error ratio (5xx + no response) per 10 s window',
    yName: '%',
    series: [
      { name: 'error %', points: series(points, (p) => (p.errorRatio === null ? null : p.errorRatio * 100)) },
    ],
    thresholds:
      options.maxRatio === undefined
        ? []
        : [{ label: `budget ${+(options.maxRatio * 100).toFixed(3)} %`, value: options.maxRatio * 100 }],
    overlay: options.overlay,
  });
}

const ms = (v: number) => (v >= 100 ? Math.round(v).toString() : (Math.round(v * 10) / 10).toString());

export function latencyHistogramSvg(
  bands: readonly LatencyBand[],
  title = 'Latency distribution (between percentiles)',
): string {
  return render({
    title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
    grid: { left: 64, right: 24, top: 56, bottom: 64 },
    xAxis: {
      type: 'category',
      name: 'ms',
      data: bands.map((b) => `${ms(b.fromMs)}–${ms(b.toMs)}`),
      axisLabel: { interval: 0, rotate: 20 },
    },
    yAxis: { type: 'value', name: '% of requests' },
    series: [
      {
        name: '% of requests',
        type: 'bar',
        data: bands.map((b) => b.percent),
        label: { show: true, position: 'top', formatter: '{c} %' },
      },
    ],
  });
}

/** Bars of two runs side by side per category (perf-compare). */
export function groupedBarsSvg(
  title: string,
  yName: string,
  categories: readonly string[],
  groups: readonly { readonly name: string; readonly values: readonly (number | null)[] }[],
): string {
  return render({
    title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
    legend: { bottom: 0 },
    grid: { left: 64, right: 24, top: 56, bottom: 56 },
    xAxis: { type: 'category', data: [...categories] },
    yAxis: { type: 'value', name: yName },
    series: groups.map((g) => ({
      name: g.name,
      type: 'bar',
      data: [...g.values],
      label: { show: true, position: 'top' },
    })),
  });
}
