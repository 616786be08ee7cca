import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from './config';
import { scaleDuration } from './prometheus';

export const GENERATED_ALERTMANAGER_CONFIG = join(
  REPO_ROOT,
  'dashboards',
  'generated',
  'alertmanager',
  'alertmanager-config.yaml',
);

interface Route {
  receiver?: string;
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: Route[];
  [key: string]: unknown;
}
interface AlertmanagerConfig {
  global?: Record<string, unknown>;
  route: Route;
  receivers: { name: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

function scaleRoute(route: Route, scale: number): void {
  for (const key of ['group_wait', 'group_interval', 'repeat_interval'] as const) {
    const value = route[key];
    if (value) route[key] = scaleDuration(value, scale);
  }
  for (const child of route.routes ?? []) scaleRoute(child, scale);
}

/**
 * The generated Alertmanager config as the drill runs it: the same route tree, matchers and inhibit
 * rules; each receiver keeps its name but delivers to the drill's local webhook (`<sink>/<receiver>`)
 * instead of PagerDuty/Slack/SNS, and the route timers are divided by `scale` like the rules' `for:`.
 */
export function drillAlertmanagerConfig(sinkUrl: string, scale: number): AlertmanagerConfig {
  const config = parse(readFileSync(GENERATED_ALERTMANAGER_CONFIG, 'utf8')) as AlertmanagerConfig;
  delete config.global;
  scaleRoute(config.route, scale);
  config.receivers = config.receivers.map((r) => ({
    name: r.name,
    webhook_configs: [{ url: `${sinkUrl}/${encodeURIComponent(r.name)}`, send_resolved: true }],
  }));
  return config;
}

export function writeAlertmanagerConfig(dir: string, sinkUrl: string, scale: number): string {
  const path = join(dir, 'alertmanager.yml');
  writeFileSync(path, stringify(drillAlertmanagerConfig(sinkUrl, scale)));
  return path;
}

export interface Notification {
  /** Milliseconds since the drill started. */
  at: number;
  receiver: string;
  status: string;
  alerts: string[];
}

/** The webhook every receiver delivers to: records which receiver got which alerts, and when. */
export class NotificationSink {
  readonly received: Notification[] = [];
  private server: Server | undefined;

  constructor(private readonly clock: () => number) {}

  async listen(port: number): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        try {
          const payload = JSON.parse(body) as { status: string; alerts: { labels: { alertname: string } }[] };
          this.received.push({
            at: this.clock(),
            receiver: decodeURIComponent((req.url ?? '/').slice(1)),
            status: payload.status,
            alerts: payload.alerts.map((a) => a.labels.alertname),
          });
        } catch {
          // not a webhook payload: ignored
        }
        res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', resolve);
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
