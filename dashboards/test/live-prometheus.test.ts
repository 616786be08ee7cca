/**
 * Live test: the real API (real PostgreSQL and Redis) scraped by a real Prometheus that loads the
 * generated rules. Traffic from autocannon (127.0.0.1 only, bounded in time), then a database
 * outage through a proxy we cut. Asserts every app panel query and every API recording rule
 * returns data, and that the outage moves the 5m SLI and the 5xx-ratio alert as designed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { API_PATHS, RUM_PATH, SLOS, UNMATCHED_ROUTE } from '@taskboard/contracts';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYMPTOM_THRESHOLDS } from '../src/alerts/symptoms';
import { APP_METRICS, EXPORTER_METRICS, metricNames, PROCESS_METRICS } from '../src/known-metrics';
import { GRAFANA_DIR, generatedFiles, ruleFiles } from '../src/outputs';
import { isAlertingRule } from '../src/rules/types';
import { SPA_PROBE_NAME } from '../src/slo/catalogue';
import { CuttableProxy, freePort, start, stop, waitFor } from './live/processes';
import { PrometheusApi } from './live/prometheus';
import { WORKSPACE } from './promtool/run';

const REPO = resolve(WORKSPACE, '..');
const API_MAIN = join(REPO, 'api/dist/src/main.js');
const PG = { host: '127.0.0.1', port: 5432 };
const REDIS = { host: '127.0.0.1', port: 6379 };
const API_SLOS: readonly string[] = [SLOS.apiAvailability.name, SLOS.apiLatency.name];

async function reachable({ host, port }: { host: string; port: number }): Promise<boolean> {
  return new Promise((done) => {
    const s = connect(port, host);
    s.setTimeout(1000);
    s.once('connect', () => done(s.destroy() === s));
    s.once('error', () => done(false));
    s.once('timeout', () => done(s.destroy() !== s));
  });
}

const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

async function skipReason(): Promise<string | undefined> {
  if (!existsSync(API_MAIN)) return `the API is not built (${API_MAIN} missing): run \`make build\``;
  if (!onPath('prometheus')) return 'prometheus is not installed: run `make tools`';
  if (!onPath('psql')) return 'psql is not installed (needed to create the test database)';
  if (!(await reachable(PG))) return `PostgreSQL is not reachable on ${PG.host}:${PG.port}`;
  if (!(await reachable(REDIS))) return `Redis is not reachable on ${REDIS.host}:${REDIS.port}`;
  return undefined;
}

/** Grafana's variables as the live harness answers them: "All" for namespace and pod. */
function concrete(expr: string): string {
  return expr.replaceAll('$namespace', '.*').replaceAll('$pod', '.*').replaceAll('$__rate_interval', '1m');
}

interface PanelQuery {
  dashboard: string;
  panel: string;
  expr: string;
}

const BLACKBOX = 'prometheus-blackbox-exporter';
const PROBE_METRICS = EXPORTER_METRICS['blackbox-exporter'] ?? [];

/** Recorded series of the given SLOs, as selectors. */
function recordedSeries(slos: readonly string[]): string[] {
  return [...ruleFiles().values()]
    .flatMap((f) => f.groups.flatMap((g) => g.rules))
    .flatMap((r) =>
      !isAlertingRule(r) && slos.includes(r.labels?.slo ?? '') ? [`${r.record}{slo="${r.labels?.slo}"}`] : [],
    );
}

/**
 * Panel queries this harness can serve: the API's metrics and recorded series, plus the blackbox
 * probe's when the exporter runs. The rest need kube-state-metrics or cAdvisor (in-cluster only).
 */
function servablePanelQueries(withProbe: boolean): PanelQuery[] {
  const sources = new Set([
    ...APP_METRICS,
    ...PROCESS_METRICS,
    ...recordedSeries([...API_SLOS, SLOS.spaAvailability.name]).map((x) => x.split('{')[0] ?? ''),
    ...(withProbe ? PROBE_METRICS : []),
  ]);
  return [...generatedFiles()]
    .filter(([path]) => path.startsWith(`${GRAFANA_DIR}/`))
    .flatMap(([, json]) => {
      const board = JSON.parse(json) as {
        uid: string;
        panels: { title: string; targets?: { expr: string }[] }[];
      };
      return board.panels.flatMap((p) =>
        (p.targets ?? []).map((t) => ({ dashboard: board.uid, panel: p.title, expr: t.expr })),
      );
    })
    .filter((q) => withProbe || !q.expr.includes(`"${SLOS.spaAvailability.name}"`))
    .filter((q) => metricNames(q.expr).every((m) => sources.has(m)));
}

describe('live: API + Prometheus with the generated rules', () => {
  let reason: string | undefined;
  let work = '';
  const database = `taskboard_obs_live_${process.pid}`;
  const proxy = new CuttableProxy(PG.host, PG.port);
  let api: ReturnType<typeof start> | undefined;
  let prometheus: ReturnType<typeof start> | undefined;
  let blackbox: ReturnType<typeof start> | undefined;
  let withProbe = false;
  let recorded: string[] = [];
  /** Logs and the TSDB are kept only when a step failed, for diagnosis. */
  let keepLogs = false;
  let apiUrl = '';
  let prom: PrometheusApi;
  let token = '';
  let taskId = '';

  const psql = (sql: string) =>
    spawnSync(
      'psql',
      ['-h', PG.host, '-p', String(PG.port), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql],
      {
        encoding: 'utf8',
      },
    );

  beforeAll(async () => {
    reason = await skipReason();
    if (reason) {
      console.warn(`live Prometheus test skipped: ${reason}`);
      return;
    }
    work = mkdtempSync(join(tmpdir(), 'obs-live-'));
    const created = psql(`CREATE DATABASE ${database}`);
    if (created.status !== 0) throw new Error(`createdb failed: ${created.stderr}`);
    const proxyPort = await proxy.listen();
    const apiPort = await freePort();
    apiUrl = `http://127.0.0.1:${apiPort}`;
    api = start(
      process.execPath,
      [API_MAIN],
      {
        PATH: process.env.PATH,
        HOST: '127.0.0.1',
        PORT: String(apiPort),
        DATABASE_URL: `postgres://postgres@127.0.0.1:${proxyPort}/${database}`,
        DATABASE_CONNECT_TIMEOUT_MS: '500',
        REDIS_URL: `redis://${REDIS.host}:${REDIS.port}`,
        JWT_SECRET: 'live-observability-test-secret-0123456789abcdef',
        LOG_LEVEL: 'warn',
        AUTH_RATE_LIMIT: '1000',
      },
      join(work, 'api.log'),
      join(REPO, 'api'),
    );
    await waitFor(
      'the API to be ready',
      async () => ((await fetch(`${apiUrl}${API_PATHS.ready}`)).ok ? true : undefined),
      60_000,
    );

    withProbe = onPath(BLACKBOX);
    const probeJob: string[] = [];
    if (withProbe) {
      const blackboxPort = await freePort();
      writeFileSync(join(work, 'blackbox.yml'), 'modules:\n  http_2xx:\n    prober: http\n    timeout: 2s\n');
      blackbox = start(
        BLACKBOX,
        [`--config.file=${join(work, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${blackboxPort}`],
        { PATH: process.env.PATH },
        join(work, 'blackbox.log'),
      );
      // The job name prometheus-operator gives the Probe `taskboard-spa` in namespace `live`.
      probeJob.push(
        `  - job_name: probe/live/${SPA_PROBE_NAME}`,
        '    metrics_path: /probe',
        '    params: { module: [http_2xx] }',
        // Nothing serves the built SPA in this harness, so the probe loads the API's liveness URL:
        // the same prober, job label and rules as in the cluster, a different page.
        `    static_configs: [{ targets: ["${apiUrl}${API_PATHS.health}"] }]`,
        '    relabel_configs:',
        '      - { source_labels: [__address__], target_label: __param_target }',
        '      - { source_labels: [__param_target], target_label: instance }',
        `      - { target_label: __address__, replacement: "127.0.0.1:${blackboxPort}" }`,
      );
    } else {
      console.warn(
        `live: ${BLACKBOX} is not installed (\`make tools-observability\`): SPA probe rules and panels not checked`,
      );
    }
    recorded = recordedSeries(withProbe ? [...API_SLOS, SLOS.spaAvailability.name] : API_SLOS);

    const promPort = await freePort();
    const rules = [...ruleFiles().keys()].map((p) => join(WORKSPACE, p));
    // 1 s scrapes and evaluations compress minutes of behaviour into seconds; rate() needs two samples.
    const config = [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: ${JSON.stringify(rules)}`,
      'scrape_configs:',
      '  - job_name: taskboard-api',
      `    static_configs: [{ targets: ["127.0.0.1:${apiPort}"] }]`,
      ...probeJob,
    ].join('\n');
    writeFileSync(join(work, 'prometheus.yml'), config);
    prometheus = start(
      'prometheus',
      [
        `--config.file=${join(work, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(work, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      { PATH: process.env.PATH },
      join(work, 'prometheus.log'),
    );
    prom = new PrometheusApi(`http://127.0.0.1:${promPort}`);
    await waitFor('Prometheus to be ready', async () => ((await prom.ready()) ? true : undefined), 30_000);
  }, 120_000);

  afterAll(async () => {
    if (reason) return;
    await stop(api);
    await stop(prometheus);
    await stop(blackbox);
    await proxy.close();
    psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    if (keepLogs) console.warn(`live: logs kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  });

  async function json(path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${apiUrl}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...init.headers,
      },
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  function load(seconds: number, requests: autocannon.Request[]) {
    return autocannon({
      url: apiUrl,
      connections: 4,
      duration: seconds,
      overallRate: 150,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      requests,
    });
  }

  it('serves normal traffic: every panel query servable here and every recording rule returns data', async (ctx) => {
    if (reason) ctx.skip();
    ctx.onTestFailed(() => {
      keepLogs = true;
    });
    const user = { email: `live-${process.pid}@example.org`, password: 'correct horse battery' };
    expect((await json(API_PATHS.register, { method: 'POST', body: JSON.stringify(user) })).status).toBe(201);
    const login = await json(API_PATHS.login, { method: 'POST', body: JSON.stringify(user) });
    token = (login.body as { accessToken: string }).accessToken;
    const created = await json(API_PATHS.tasks, {
      method: 'POST',
      body: JSON.stringify({ title: 'watch the dashboards' }),
    });
    expect(created.status).toBe(201);
    taskId = (created.body as { id: string }).id;
    // Real-user monitoring reports and a failed login feed the user-experience dashboard.
    for (const route of ['board', 'login']) {
      const rum = await json(RUM_PATH, {
        method: 'POST',
        body: JSON.stringify({
          route,
          vitals: [
            { name: 'LCP', value: 1800 },
            { name: 'FCP', value: 900 },
            { name: 'TTFB', value: 120 },
            { name: 'INP', value: 80 },
            { name: 'CLS', value: 0.02 },
          ],
          errors: [{ kind: 'error', message: 'live test' }],
        }),
      });
      expect(rum.status).toBe(204);
    }
    await json(API_PATHS.login, {
      method: 'POST',
      body: JSON.stringify({ ...user, password: 'wrong password!' }),
    });

    const normal = await load(20, [
      { method: 'GET', path: API_PATHS.tasks },
      { method: 'POST', path: API_PATHS.tasks, body: JSON.stringify({ title: 'load' }) },
      { method: 'GET', path: API_PATHS.task.replace(':id', taskId) },
      { method: 'GET', path: API_PATHS.task.replace(':id', '00000000-0000-4000-8000-000000000000') },
      { method: 'GET', path: '/no-such-route' },
    ]);
    console.info(
      `live: normal load ${normal.requests.total} requests (${normal['2xx']} 2xx, ${normal['4xx']} 4xx, ${normal['5xx']} 5xx, ${normal.errors} errors)`,
    );
    expect(normal['5xx']).toBe(0);
    expect(normal['2xx']).toBeGreaterThan(1000);

    await waitFor(
      'the SLO rules to see the traffic',
      async () =>
        ((await prom.value(`slo:sli_events:rate5m{slo="${SLOS.apiAvailability.name}"}`)) ?? 0) > 0 ||
        undefined,
      30_000,
    );
    const baseline = await prom.value(`slo:sli_error:ratio_rate5m{slo="${SLOS.apiAvailability.name}"}`);
    console.info(`live: availability 5m error ratio under normal traffic = ${baseline}`);
    expect(baseline).toBe(0);
    if (withProbe) {
      const spa = `slo:sli_error:ratio_rate5m{slo="${SLOS.spaAvailability.name}"}`;
      await waitFor('the SPA probe SLI', async () => prom.value(spa), 20_000);
      expect(await prom.value(spa), 'the probe must succeed').toBe(0);
    }
    expect(
      (await prom.query(`http_request_duration_seconds_count{route="${UNMATCHED_ROUTE}"}`)).length,
    ).toBeGreaterThan(0);

    const queries = servablePanelQueries(withProbe);
    const empty: string[] = [];
    for (const q of queries) {
      if ((await prom.query(concrete(q.expr))).length === 0)
        empty.push(`${q.dashboard} / ${q.panel}: ${q.expr}`);
    }
    console.info(
      `live: ${queries.length} panel queries servable here, ${queries.length - empty.length} with data before the outage`,
    );
    expect(empty).toEqual([]);

    const missing: string[] = [];
    for (const series of recorded) if ((await prom.query(series)).length === 0) missing.push(series);
    console.info(`live: ${recorded.length} recording rules, ${recorded.length - missing.length} with data`);
    expect(missing).toEqual([]);
  }, 180_000);

  it('a database outage moves the 5m SLI, the burn rate and the 5xx-ratio alert', async (ctx) => {
    if (reason) ctx.skip();
    ctx.onTestFailed(() => {
      keepLogs = true;
    });
    proxy.disconnect();
    const readiness = await fetch(`${apiUrl}${API_PATHS.ready}`);
    expect(readiness.status).toBe(503);
    const burst = await load(10, [
      { method: 'POST', path: API_PATHS.tasks, body: JSON.stringify({ title: 'during the outage' }) },
      { method: 'GET', path: API_PATHS.task.replace(':id', '00000000-0000-4000-8000-00000000abcd') },
    ]);
    console.info(
      `live: outage load ${burst.requests.total} requests (${burst['2xx']} 2xx, ${burst['5xx']} 5xx)`,
    );
    expect(burst['5xx']).toBeGreaterThan(100);

    const ratio = await waitFor(
      'the 5m error ratio to pass the 5xx alert threshold',
      async () => {
        const v = await prom.value(`slo:sli_error:ratio_rate5m{slo="${SLOS.apiAvailability.name}"}`);
        return v !== undefined && v > SYMPTOM_THRESHOLDS.serverErrorRatio ? v : undefined;
      },
      20_000,
    );
    const burn5m = await prom.value(
      `slo:error_budget_burn_rate:ratio_rate5m{slo="${SLOS.apiAvailability.name}"}`,
    );
    console.info(
      `live: after the outage burst, 5m error ratio = ${ratio.toFixed(4)}, 5m burn rate = ${burn5m?.toFixed(1)}x`,
    );
    expect(burn5m).toBeGreaterThan(14.4);

    // `for: 5m` keeps it pending within a test's time; pending with the right labels is the move.
    const highErrorRate = await waitFor(
      'ApiHighErrorRate to become active',
      async () => (await prom.alerts()).find((a) => a.labels.alertname === 'ApiHighErrorRate'),
      20_000,
    );
    console.info(`live: ApiHighErrorRate is ${highErrorRate.state} with value ${highErrorRate.value}`);
    expect(highErrorRate.state).toBe('pending');
    expect(highErrorRate.labels.severity).toBe('page');
    const dbDown = await waitFor(
      'ApiDatabaseUnreachable to become active',
      async () => (await prom.alerts()).find((a) => a.labels.alertname === 'ApiDatabaseUnreachable'),
      20_000,
    );
    expect(dbDown.state).toBe('pending');

    proxy.reconnect();
    await waitFor(
      'the API to be ready again',
      async () => ((await fetch(`${apiUrl}${API_PATHS.ready}`)).ok ? true : undefined),
      30_000,
    );

    const empty: string[] = [];
    const queries = servablePanelQueries(withProbe);
    for (const q of queries)
      if ((await prom.query(concrete(q.expr))).length === 0) empty.push(`${q.dashboard} / ${q.panel}`);
    console.info(
      `live: ${queries.length - empty.length}/${queries.length} panel queries return data after the outage`,
    );
    expect(empty).toEqual([]);
  }, 120_000);
});
