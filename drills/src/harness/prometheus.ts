import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from './config';

export const GENERATED_RULES_DIR = join(REPO_ROOT, 'dashboards', 'generated', 'prometheus');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; interval?: string; rules: Rule[] }[];
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** A Prometheus duration ("5m", "1h30m") in seconds. */
export function durationSeconds(d: string): number {
  const parts = [...d.matchAll(/(\d+)(ms|[smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== d) throw new Error(`not a duration: ${d}`);
  return parts.reduce(
    (sum, [, n, unit]) => sum + Number(n) * (unit === 'ms' ? 0.001 : UNIT_SECONDS[unit!]!),
    0,
  );
}

/** `for: 5m` at scale 30 → `10s` (at least 1s: one evaluation). */
export function scaleDuration(d: string, scale: number): string {
  return `${Math.max(1, Math.round(durationSeconds(d) / scale))}s`;
}

/**
 * The generated rule files as the drill loads them: the SAME names, expressions, labels and
 * annotations; only each group's evaluation interval (1s) and the `for:`/`keep_firing_for:`
 * durations (divided by `scale`) change, so minutes of alert behaviour happen in seconds.
 * Range windows inside expressions ([5m]) stay: a drill's whole history fits in them.
 */
export function drillRuleFiles(scale: number): Map<string, RuleFile> {
  const files = new Map<string, RuleFile>();
  for (const name of readdirSync(GENERATED_RULES_DIR)
    .filter((f) => f.endsWith('.rules.yaml'))
    .sort()) {
    const file = parse(readFileSync(join(GENERATED_RULES_DIR, name), 'utf8')) as RuleFile;
    for (const group of file.groups) {
      group.interval = '1s';
      for (const rule of group.rules) {
        if (rule.for) rule.for = scaleDuration(rule.for, scale);
        if (rule.keep_firing_for) rule.keep_firing_for = scaleDuration(rule.keep_firing_for, scale);
      }
    }
    files.set(name, file);
  }
  return files;
}

/** The alert names in the generated rules. */
export function alertNames(): string[] {
  return [...drillRuleFiles(1).values()].flatMap((f) =>
    f.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : []))),
  );
}

export interface Target {
  pod: string;
  port: number;
}

/** Writes the drill's rules and prometheus.yml into `dir`; returns the config path. */
export function writePrometheusConfig(
  dir: string,
  scale: number,
  targets: Target[],
  alertmanagerPort: number,
): string {
  const ruleFiles: string[] = [];
  for (const [name, file] of drillRuleFiles(scale)) {
    const path = join(dir, name);
    writeFileSync(path, stringify(file));
    ruleFiles.push(path);
  }
  const config = {
    // 1 s scrapes and evaluations: rate() has samples within seconds of the drill starting.
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: ruleFiles,
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanagerPort}`] }] }] },
    scrape_configs: [
      {
        job_name: 'taskboard-api',
        // The labels the ServiceMonitor gives in the cluster, so `by (namespace, pod)` rules work as there.
        static_configs: targets.map((t) => ({
          targets: [`127.0.0.1:${t.port}`],
          labels: { namespace: 'drill', pod: t.pod },
        })),
      },
    ],
  };
  const path = join(dir, 'prometheus.yml');
  writeFileSync(path, stringify(config));
  return path;
}

export interface AlertSample {
  alertname: string;
  /** The alert name, with its `slo` label when it has one (one name serves several SLOs). */
  key: string;
  state: 'pending' | 'firing';
  /** Unix seconds at which Prometheus had the alert in that state. */
  times: number[];
}

/** A small client for the Prometheus HTTP API. */
export class PrometheusApi {
  constructor(readonly baseUrl: string) {}

  private async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { status: string; error?: string; data: T };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error ?? res.status}`);
    return body.data;
  }

  async ready(): Promise<boolean> {
    const res = await fetch(`${this.baseUrl}/-/ready`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  }

  async instant(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const data = await this.get<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
      `/api/v1/query?query=${encodeURIComponent(expr)}`,
    );
    return data.result;
  }

  /** Every pending/firing interval of every alert between `start` and `end` (unix seconds), 1 s resolution. */
  async alertHistory(start: number, end: number): Promise<AlertSample[]> {
    const q = new URLSearchParams({ query: 'ALERTS', start: String(start), end: String(end), step: '1' });
    const data = await this.get<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>(
      `/api/v1/query_range?${q}`,
    );
    const merged = new Map<string, AlertSample>();
    for (const series of data.result) {
      const alertname = series.metric.alertname ?? '';
      const key = series.metric.slo ? `${alertname}{slo="${series.metric.slo}"}` : alertname;
      const state = series.metric.alertstate === 'firing' ? 'firing' : 'pending';
      const entry = merged.get(`${key}/${state}`) ?? { alertname, key, state, times: [] };
      entry.times.push(...series.values.map(([t]) => t));
      merged.set(`${key}/${state}`, entry);
    }
    for (const e of merged.values()) e.times = [...new Set(e.times)].sort((a, b) => a - b);
    return [...merged.values()];
  }
}
