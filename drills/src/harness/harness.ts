import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { NotificationSink, writeAlertmanagerConfig } from './alertmanager';
import { ApiReplica } from './api-replicas';
import { type DrillConfig, REPO_ROOT } from './config';
import { writeNginxConfig } from './load-balancer';
import { API_MIGRATE } from './preflight';
import { httpStatus, ProcessGroup, type Started, waitFor } from './processes';
import { PrometheusApi, writePrometheusConfig } from './prometheus';
import { Toxiproxy } from './toxiproxy';

export const POSTGRES_PROXY = 'postgres';
export const REDIS_PROXY = 'redis';

/**
 * The drill's whole world on 127.0.0.1: nginx → two API replicas → toxiproxy → the real
 * PostgreSQL (a database of its own) and Redis (a logical DB of its own); Prometheus scraping both
 * replicas' metrics ports with the generated rules, sending to Alertmanager, which delivers to a
 * webhook sink in this process. `down()` stops all of it and drops the database, whatever happened.
 */
export class Harness {
  readonly workDir: string;
  readonly processes: ProcessGroup;
  readonly toxiproxy: Toxiproxy;
  readonly prometheus: PrometheusApi;
  readonly sink: NotificationSink;
  readonly replicas: ApiReplica[];
  readonly proxyUrl: string;
  readonly databaseName: string;
  private readonly started = Date.now();
  private databaseCreated = false;
  private observabilityRuns = 0;
  private prometheusProcess: Started | undefined;
  private alertmanager: Started | undefined;

  constructor(readonly config: DrillConfig) {
    this.workDir = mkdtempSync(join(tmpdir(), 'taskboard-drill-'));
    mkdirSync(join(this.workDir, 'logs'));
    this.processes = new ProcessGroup(join(this.workDir, 'logs'), { DRILL_RUN_ID: config.runId });
    const p = config.ports;
    this.toxiproxy = new Toxiproxy(`http://127.0.0.1:${p.toxiproxy}`);
    this.prometheus = new PrometheusApi(`http://127.0.0.1:${p.prometheus}`);
    this.sink = new NotificationSink(() => this.now());
    this.proxyUrl = `http://127.0.0.1:${p.proxy}`;
    this.databaseName = `taskboard_drill_${process.pid}_${Date.now().toString(36)}`;
    const db = new URL(config.databaseUrl);
    db.hostname = '127.0.0.1';
    db.port = String(p.postgresProxy);
    db.pathname = `/${this.databaseName}`;
    const redis = new URL(config.redisUrl);
    redis.hostname = '127.0.0.1';
    redis.port = String(p.redisProxy);
    const apiEnv = {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.toString(),
      // DATABASE_CONNECT_TIMEOUT_MS stays the API's default (1 s), as the chart runs it. A shorter one
      // made every new connection fail under db-latency (a connect is a round trip); db-down needs none
      // (a disabled toxiproxy refuses connections at once).
      MIGRATE_ON_BOOT: 'false',
      REDIS_URL: redis.toString(),
      JWT_SECRET: `drill-${config.runId}-secret-0123456789abcdef0123456789`,
      TRUST_PROXY: '1',
      AUTH_RATE_LIMIT: '100000',
      SHUTDOWN_DELAY_MS: '1000',
      SHUTDOWN_TIMEOUT_MS: '10000',
      // The harness shares two cores with everything else: the default 100 ms cache budget would turn
      // CPU starvation into cache errors (and a false ApiCacheErrorRateHigh). A down Redis still fails at
      // once (the client's offline queue is off), so cache-down is unaffected.
      CACHE_OP_TIMEOUT_MS: '1000',
      // V8's on-disk compile cache: a restarted replica (pod-kill, deploy) boots in a fraction of the time.
      NODE_COMPILE_CACHE: join(REPO_ROOT, '.cache', 'drill-node-compile-cache'),
    };
    this.replicas = [
      { pod: 'taskboard-api-a', port: p.apiA, metricsPort: p.metricsA },
      { pod: 'taskboard-api-b', port: p.apiB, metricsPort: p.metricsB },
    ].map((spec) => new ApiReplica(spec, this.processes, apiEnv, () => this.now()));
  }

  /** Milliseconds since the harness was created: the drill's clock. */
  now(): number {
    return Date.now() - this.started;
  }

  /** Unix seconds of a drill-clock time. */
  unix(at: number): number {
    return (this.started + at) / 1000;
  }

  private admin(): Client {
    return new Client({ connectionString: this.config.databaseUrl.toString() });
  }

  async up(log: (line: string) => void): Promise<void> {
    const p = this.config.ports;
    const admin = this.admin();
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${this.databaseName}`);
      this.databaseCreated = true;
    } finally {
      await admin.end();
    }
    const direct = new URL(this.config.databaseUrl);
    direct.pathname = `/${this.databaseName}`;
    const migrated = spawnSync(process.execPath, [API_MIGRATE], {
      env: { PATH: process.env.PATH, DATABASE_URL: direct.toString(), LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    if (migrated.status !== 0) throw new Error(`migrations failed: ${migrated.stderr}${migrated.stdout}`);
    log(`database ${this.databaseName} created and migrated`);

    this.processes.start(
      'toxiproxy',
      'toxiproxy-server',
      ['-host', '127.0.0.1', '-port', String(p.toxiproxy)],
      {
        // Its default logs every connection at trace level.
        LOG_LEVEL: 'warn',
      },
    );
    await waitFor('toxiproxy', async () => (await this.toxiproxy.version()) || undefined, 15_000);
    const db = this.config.databaseUrl;
    const redis = this.config.redisUrl;
    await this.toxiproxy.createProxy(
      POSTGRES_PROXY,
      `127.0.0.1:${p.postgresProxy}`,
      `${db.hostname}:${db.port || 5432}`,
    );
    await this.toxiproxy.createProxy(
      REDIS_PROXY,
      `127.0.0.1:${p.redisProxy}`,
      `${redis.hostname}:${redis.port || 6379}`,
    );
    log(`toxiproxy on :${p.toxiproxy} (postgres :${p.postgresProxy}, redis :${p.redisProxy})`);

    await Promise.all(this.replicas.map((r) => r.start()));
    log(`API replicas ready on :${p.apiA} and :${p.apiB} (metrics :${p.metricsA}, :${p.metricsB})`);

    const nginxConf = writeNginxConfig(this.workDir, p.proxy, [p.apiA, p.apiB]);
    this.processes.start('nginx', 'nginx', ['-p', this.workDir, '-c', nginxConf], {});
    await waitFor(
      'nginx',
      async () => ((await httpStatus(`${this.proxyUrl}/health`)) === 200 ? true : undefined),
      15_000,
    );
    log(`nginx on :${p.proxy}`);

    await this.sink.listen(p.notificationSink);
    await this.startObservability();
    log(
      `Prometheus on :${p.prometheus} (rules: for/interval ÷${this.config.timeScale}), Alertmanager on :${p.alertmanager}`,
    );
  }

  /**
   * Alertmanager, then Prometheus, each with fresh storage: no alert state, series or notification log
   * from an earlier scenario (the rules' `[5m]` windows would otherwise carry one fault into the next).
   */
  private async startObservability(): Promise<void> {
    const p = this.config.ports;
    const run = ++this.observabilityRuns;
    const scale = this.config.timeScale;
    const amConf = writeAlertmanagerConfig(this.workDir, `http://127.0.0.1:${p.notificationSink}`, scale);
    this.alertmanager = this.processes.start(
      'alertmanager',
      'prometheus-alertmanager',
      [
        `--config.file=${amConf}`,
        `--storage.path=${join(this.workDir, `alertmanager-${run}`)}`,
        `--web.listen-address=127.0.0.1:${p.alertmanager}`,
        // No HA gossip: it would bind :9094 on every interface.
        '--cluster.listen-address=',
      ],
      {},
    );
    const promConf = writePrometheusConfig(
      this.workDir,
      scale,
      this.replicas.map((r) => ({ pod: r.spec.pod, port: r.spec.metricsPort })),
      p.alertmanager,
    );
    // Started together: the two boots overlap (Prometheus retries Alertmanager until it answers).
    this.prometheusProcess = this.processes.start(
      'prometheus',
      'prometheus',
      [
        `--config.file=${promConf}`,
        `--storage.tsdb.path=${join(this.workDir, `tsdb-${run}`)}`,
        `--web.listen-address=127.0.0.1:${p.prometheus}`,
        '--log.level=warn',
      ],
      {},
    );
    await waitFor(
      'Alertmanager',
      async () =>
        (await httpStatus(`http://127.0.0.1:${p.alertmanager}/-/ready`)) === 200 ? true : undefined,
      20_000,
    );
    await waitFor('Prometheus', async () => ((await this.prometheus.ready()) ? true : undefined), 30_000);
    await waitFor(
      'Prometheus to scrape both replicas',
      async () =>
        (await this.prometheus.instant('up{job="taskboard-api"} == 1')).length === 2 ? true : undefined,
      20_000,
    );
  }

  /**
   * Between two scenarios on one harness: toxiproxy clean (every proxy on, no toxic), every replica
   * running and ready, Prometheus and Alertmanager restarted empty, no notification recorded.
   * The API replicas, database and nginx stay: restarting them is what a separate harness would cost.
   */
  async resetForNextScenario(log: (line: string) => void): Promise<void> {
    await this.toxiproxy.reset();
    await Promise.all([this.prometheusProcess, this.alertmanager].map((p) => p && this.processes.stop(p)));
    this.sink.received.splice(0);
    for (const replica of this.replicas) if (!replica.running) await replica.start();
    await Promise.all(
      this.replicas.map((r) =>
        waitFor(
          `${r.spec.pod} ready`,
          async () => ((await r.readiness()) === 200 ? true : undefined),
          60_000,
        ),
      ),
    );
    await this.startObservability();
    log('harness reset: toxiproxy clean, both replicas ready, Prometheus and Alertmanager restarted empty');
  }

  /** IDs among `ids` present in the tasks table, read directly from PostgreSQL (not through the proxy). */
  async presentTaskIds(ids: string[]): Promise<Set<string>> {
    const url = new URL(this.config.databaseUrl);
    url.pathname = `/${this.databaseName}`;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const res = await client.query<{ id: string }>('SELECT id FROM tasks WHERE id = ANY($1::uuid[])', [
        ids,
      ]);
      return new Set(res.rows.map((r) => r.id));
    } finally {
      await client.end();
    }
  }

  /** Stops everything, heals toxiproxy first (so nothing waits on a cut), drops the database. */
  async down(keepWorkDir: boolean): Promise<string[]> {
    const problems: string[] = [];
    await this.processes.stopAll();
    await this.sink.close();
    if (this.databaseCreated) {
      const admin = this.admin();
      try {
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${this.databaseName} WITH (FORCE)`);
      } catch (error) {
        problems.push(`could not drop database ${this.databaseName}: ${String(error)}`);
      } finally {
        await admin.end().catch(() => undefined);
      }
    }
    if (!keepWorkDir) rmSync(this.workDir, { recursive: true, force: true });
    return problems;
  }
}
