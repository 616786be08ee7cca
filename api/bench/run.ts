import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { parse as parseYaml } from 'yaml';
import { type LoadResult, runAtRate, runLoad } from './load';
import { byListening, byPort, cpuMs, f, memMiB, type Server, start, stop } from './servers';
import { measureTracing, type TracingAbc } from './tracing-abc';

/**
 * `make bench`: the API's endpoints against ceilings measured in the same run on the same
 * machine (a bare node:http hello; bare Fastify + pg + JWT doing the same SQL), real
 * PostgreSQL and Redis, 127.0.0.1 only. Exits non-zero when a target is missed.
 */
/** A whole number from the environment, at least `min`; anything else stops the run, naming the variable. */
function intFromEnv(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
  console.error(`bench: ${name} must be a whole number ${range}, got "${raw}"`);
  process.exit(2);
}
const SECONDS = intFromEnv('BENCH_SECONDS', 6, 2);
const TRACING_ROUNDS = intFromEnv('BENCH_TRACING_ROUNDS', 4, 1);
/** API processes per arm of the tracing A/B: pooling several averages out one process's luck. */
const TRACING_PROCESSES = intFromEnv('BENCH_TRACING_PROCESSES', 2, 1);
/** The "on" arm's sampling ratio in percent: the target is set at 10; other ratios show what a lower one would cost. */
const TRACING_PERCENT = intFromEnv('BENCH_TRACING_PERCENT', 10, 1, 100);
/** `tracing` runs only the tracing A/B/C; unset runs everything. */
const ONLY = process.env.BENCH_ONLY;
if (ONLY !== undefined && ONLY !== 'tracing') {
  console.error(`bench: BENCH_ONLY must be unset or "tracing", got "${ONLY}"`);
  process.exit(2);
}
const CONNECTIONS = 64;
const DIST = join(__dirname, '..');
const JWT_SECRET = randomBytes(32).toString('hex');

async function json<T>(url: string, init: RequestInit): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  if (!res.ok) throw new Error(`${init.method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Row {
  name: string;
  saturation: LoadResult;
  halfRate?: LoadResult;
  /** CPU time the server process spent per completed request during the saturation run. */
  cpuUsPerRequest?: number;
}

/** The chart's memory request and limit for the API in MiB: the bench checks the chart is sized on its figures. */
function chartMemoryMiB(): { request: number; limit: number } {
  const values = parseYaml(
    readFileSync(join(DIST, '..', '..', 'helm', 'taskboard', 'values.yaml'), 'utf8'),
  ) as {
    api: { resources: { requests: { memory: string }; limits: { memory: string } } };
  };
  const mib = (key: string, v: string) => {
    const m = /^(\d+)Mi$/.exec(v);
    if (!m) throw new Error(`helm/taskboard/values.yaml ${key}: expected <n>Mi, got ${v}`);
    return Number(m[1]);
  };
  return {
    request: mib('api.resources.requests.memory', values.api.resources.requests.memory),
    limit: mib('api.resources.limits.memory', values.api.resources.limits.memory),
  };
}

/** The share of the memory limit at which ApiContainerMemoryHigh fires, read from the generated rule (never retyped). */
function memoryAlertShareOfLimit(): number {
  const rules = readFileSync(
    join(DIST, '..', '..', 'dashboards', 'generated', 'prometheus', 'taskboard-symptoms.rules.yaml'),
    'utf8',
  );
  const m = /alert: ApiContainerMemoryHigh\s+expr: \|-[\s\S]*?>\s*([0-9.]+)\s*\n\s*for:/.exec(rules);
  if (!m) throw new Error('taskboard-symptoms.rules.yaml: no threshold found in ApiContainerMemoryHigh');
  return Number(m[1]);
}

async function measure(
  name: string,
  server: Server,
  spec: Omit<Parameters<typeof runLoad>[0], 'seconds'>,
): Promise<Row> {
  await runLoad({ ...spec, seconds: 1 }); // warm-up: JIT, pools, caches
  const cpuBefore = cpuMs(server.proc.pid);
  const saturation = await runLoad({ ...spec, connections: CONNECTIONS, seconds: SECONDS });
  const cpuUsPerRequest = ((cpuMs(server.proc.pid) - cpuBefore) * 1000) / (saturation.rps * SECONDS);
  const u = new URL(spec.url);
  const halfRate = await runAtRate({
    origin: u.origin,
    requests: [
      { method: spec.method ?? 'GET', path: u.pathname + u.search, headers: spec.headers, body: spec.body },
    ],
    rate: Math.max(1, Math.floor(saturation.rps / 2)),
    seconds: SECONDS,
    connections: CONNECTIONS,
  });
  const row = { name, saturation, halfRate, cpuUsPerRequest };
  print(row);
  return row;
}

function print(r: Row) {
  const h = r.halfRate;
  console.log(
    `${r.name.padEnd(34)} ${f(r.saturation.rps).padStart(8)} req/s` +
      (r.cpuUsPerRequest === undefined ? '' : ` ${f(r.cpuUsPerRequest).padStart(5)} µs CPU/req`) +
      (h ? `   @${f(h.rps)} req/s: p50 ${f(h.p50)} ms  p95 ${f(h.p95)} ms  p99 ${f(h.p99)} ms` : '') +
      // The open-loop client is one Node process: past ~20k req/s it, not the server, is the limit.
      (h && h.p99 > 50 && r.saturation.rps > 20_000
        ? '  (client-bound: the generator cannot offer this rate)'
        : '') +
      (r.saturation.non2xx + r.saturation.errors > 0
        ? `   (non-2xx ${r.saturation.non2xx}, errors ${r.saturation.errors})`
        : ''),
  );
}

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!adminUrl || !redisUrl) {
    console.error('bench: needs the real PostgreSQL and Redis: set DATABASE_URL and REDIS_URL (see .ci/run)');
    process.exit(2);
  }
  const dbName = `taskboard_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();
  const servers: Server[] = [];
  try {
    const apiEnv = {
      DATABASE_URL: dbUrl,
      REDIS_URL: redisUrl,
      JWT_SECRET,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info', // the real per-request log line is part of what is measured
      AUTH_RATE_LIMIT: '1000000',
      DATABASE_POOL_MAX: '10',
    };
    const cached = await start(join(DIST, 'src', 'main.js'), apiEnv, byListening);
    servers.push(cached);
    const bootRss = memMiB(cached.proc.pid, 'VmRSS');
    const email = `bench-${Date.now()}@example.com`;
    const password = 'bench password 123';
    const auth = await json<{ accessToken: string }>(`${cached.url}/api/auth/register`, {
      method: 'POST',
      body: JSON.stringify({ email, password }),
    });
    const listUser = { authorization: `Bearer ${auth.accessToken}` };
    for (let i = 0; i < 20; i++) {
      await json(`${cached.url}/api/tasks`, {
        method: 'POST',
        headers: listUser,
        body: JSON.stringify({ title: `task ${i}`, priority: 'HIGH' }),
      });
    }
    // Writes go to a second user so the listed user's page (and cache) stays the same.
    const writer = await json<{ accessToken: string }>(`${cached.url}/api/auth/register`, {
      method: 'POST',
      body: JSON.stringify({ email: `w-${email}`, password }),
    });
    const writeUser = { authorization: `Bearer ${writer.accessToken}`, 'content-type': 'application/json' };
    const createBody = JSON.stringify({ title: 'benchmark task', priority: 'MEDIUM' });
    const listOn = (s: Server) => ({ url: `${s.url}/api/tasks`, headers: listUser });

    if (ONLY === 'tracing') {
      // `make bench-api BENCH_ONLY=tracing`: the tracing A/B/C alone, for working on tracing's cost.
      await stop(cached);
      const tracing = await measureTracing({
        apiEnv,
        listOn,
        connections: CONNECTIONS,
        seconds: SECONDS,
        rounds: TRACING_ROUNDS,
        processes: TRACING_PROCESSES,
        percent: TRACING_PERCENT,
      });
      const targets = tracingTargets(tracing);
      printTargets(targets);
      writeReport(
        'bench-api-tracing.json',
        { date: new Date().toISOString(), tracingAb: { ...tracing, servers: undefined } },
        targets,
      );
      return;
    }

    const hello = await start(join(DIST, 'bench', 'ceilings', 'hello.js'), {}, byPort);
    servers.push(hello);
    const bare = await start(
      join(DIST, 'bench', 'ceilings', 'fastify-pg.js'),
      { DATABASE_URL: dbUrl, JWT_SECRET },
      byPort,
    );
    servers.push(bare);
    const floor = await start(
      join(DIST, 'bench', 'ceilings', 'nest-floor.js'),
      { DATABASE_URL: dbUrl, JWT_SECRET },
      byPort,
    );
    servers.push(floor);

    console.log(
      `bench: ${SECONDS}s per run, ${CONNECTIONS} connections, latency at half the saturation rate\n`,
    );
    const rows: Record<string, Row> = {};
    // The two same-work requests, sent alike to the ceiling, the floor and the API.
    const createOn = (s: Server) => ({
      url: `${s.url}/api/tasks`,
      method: 'POST' as const,
      headers: writeUser,
      body: createBody,
    });
    rows.hello = await measure('ceiling: node:http hello', hello, { url: hello.url });
    await stop(hello);
    rows.bareList = await measure('ceiling: fastify+pg+jwt list', bare, listOn(bare));
    rows.bareCreate = await measure('ceiling: fastify+pg+jwt create', bare, createOn(bare));
    await stop(bare);

    // Not a target: where the distance between the ceiling and the API comes from.
    rows.floorList = await measure('floor: nestjs+fastify+pg+jwt list', floor, listOn(floor));
    rows.floorCreate = await measure('floor: nestjs+fastify+pg+jwt create', floor, createOn(floor));
    await stop(floor);

    rows.cachedList = await measure('api: list (cached)', cached, listOn(cached));
    rows.create = await measure('api: create', cached, createOn(cached));
    rows.login = await measure('api: login (argon2id)', cached, {
      url: `${cached.url}/api/auth/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });

    // The journey: 4 list reads and 1 create per cycle (80/20) at 10x the seed's 100 req/s.
    const journeyRate = 1000;
    const journey = await runAtRate({
      origin: cached.url,
      connections: CONNECTIONS,
      seconds: SECONDS,
      rate: journeyRate,
      requests: [
        { method: 'GET', path: '/api/tasks', headers: listUser },
        { method: 'GET', path: '/api/tasks?sort=priority', headers: listUser },
        { method: 'GET', path: '/api/tasks', headers: listUser },
        { method: 'GET', path: '/api/tasks?status=TODO', headers: listUser },
        { method: 'POST', path: '/api/tasks', headers: writeUser, body: createBody },
      ],
    });
    rows.journey = { name: `api: journey 80/20 @${journeyRate} req/s`, saturation: journey };
    console.log(
      `${rows.journey.name.padEnd(34)} ${f(journey.rps).padStart(8)} req/s   p50 ${f(journey.p50)} ms  p95 ${f(journey.p95)} ms  p99 ${f(journey.p99)} ms`,
    );
    const cachedPeak = memMiB(cached.proc.pid, 'VmHWM');
    await stop(cached);

    const uncached = await start(
      join(DIST, 'src', 'main.js'),
      { ...apiEnv, CACHE_ENABLED: 'false' },
      byListening,
    );
    servers.push(uncached);
    rows.uncachedList = await measure('api: list (cache off)', uncached, listOn(uncached));
    const uncachedPeak = memMiB(uncached.proc.pid, 'VmHWM');
    await stop(uncached);
    const peakRss = Math.max(cachedPeak, uncachedPeak);

    // Memory at the seed's load: a fresh API serving 100 req/s of the journey mix with a login
    // every 26 requests (~4/s, argon2id). Its peak is what a pod holds in normal use: the HPA's 80 %
    // memory target must not be reached by it, or pods scale out on memory alone.
    const seed = await start(join(DIST, 'src', 'main.js'), apiEnv, byListening);
    servers.push(seed);
    const seedRate = 100;
    const seedCycle = [
      { method: 'GET' as const, path: '/api/tasks', headers: listUser },
      { method: 'GET' as const, path: '/api/tasks?sort=priority', headers: listUser },
      { method: 'GET' as const, path: '/api/tasks', headers: listUser },
      { method: 'GET' as const, path: '/api/tasks?status=TODO', headers: listUser },
      { method: 'POST' as const, path: '/api/tasks', headers: writeUser, body: createBody },
    ];
    const seedRun = await runAtRate({
      origin: seed.url,
      connections: 8,
      seconds: Math.max(SECONDS, 10),
      rate: seedRate,
      requests: [
        ...seedCycle,
        ...seedCycle,
        ...seedCycle,
        ...seedCycle,
        ...seedCycle,
        {
          method: 'POST',
          path: '/api/auth/login',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        },
      ],
    });
    const seedPeak = memMiB(seed.proc.pid, 'VmHWM');
    rows.seedLoad = { name: `api: journey + logins @${seedRate} req/s`, saturation: seedRun };
    await stop(seed);
    const chart = chartMemoryMiB();
    const alertShare = memoryAlertShareOfLimit();
    console.log(
      `\nmemory: api RSS after boot ${f(bootRss)} MiB; peak (VmHWM) at the seed's ${seedRate} req/s ${f(seedPeak)} MiB (${f(seedRun.rps)} req/s served, ${seedRun.non2xx + seedRun.errors} failed); peak through the saturation runs (64 connections, argon2id logins, 1000 req/s journey) ${f(cachedPeak)} MiB, ${f(uncachedPeak)} MiB with the cache off; chart request ${chart.request} MiB, limit ${chart.limit} MiB`,
    );

    const tracing = await measureTracing({
      apiEnv,
      listOn,
      connections: CONNECTIONS,
      seconds: SECONDS,
      rounds: TRACING_ROUNDS,
      processes: TRACING_PROCESSES,
      percent: TRACING_PERCENT,
    });

    const targets: Target[] = [];
    const ratio = (a: Row, b: Row) => a.saturation.rps / b.saturation.rps;
    const check = (name: string, value: number, goal: string, ok: boolean) =>
      targets.push([name, value, goal, ok]);
    check(
      'cached list / hello ceiling',
      ratio(rows.cachedList!, rows.hello!),
      '>= 0.25',
      ratio(rows.cachedList!, rows.hello!) >= 0.25,
    );
    check(
      'uncached list / same-work ceiling',
      ratio(rows.uncachedList!, rows.bareList!),
      '>= 0.80',
      ratio(rows.uncachedList!, rows.bareList!) >= 0.8,
    );
    check(
      'create / same-work ceiling',
      ratio(rows.create!, rows.bareCreate!),
      '>= 0.80',
      ratio(rows.create!, rows.bareCreate!) >= 0.8,
    );
    check(
      'cached list p99 @ half saturation (ms)',
      rows.cachedList!.halfRate!.p99,
      '< 20',
      rows.cachedList!.halfRate!.p99 < 20,
    );
    check(
      'create p99 @ half saturation (ms)',
      rows.create!.halfRate!.p99,
      '< 40',
      rows.create!.halfRate!.p99 < 40,
    );
    check(
      'journey sustained rate (req/s)',
      journey.rps,
      `>= ${journeyRate * 0.98}`,
      journey.rps >= journeyRate * 0.98,
    );
    check('journey p95 (ms)', journey.p95, '< 50', journey.p95 < 50);
    targets.push(...tracingTargets(tracing));
    // The chart's memory (helm/taskboard/values.yaml, derivation in its comments): the HPA scales
    // at 80 % of the request, so the seed-load peak must stay below it; ApiContainerMemoryHigh fires
    // at a share of the limit, so even the saturation peak must stay below that (and the limit).
    check(
      "api peak RSS at the seed's 100 req/s / chart memory request",
      seedPeak / chart.request,
      '<= 0.80',
      seedPeak / chart.request <= 0.8,
    );
    check(
      'api saturation peak RSS / chart memory limit',
      peakRss / chart.limit,
      `<= ${alertShare}`,
      peakRss / chart.limit <= alertShare,
    );
    const failedRequests = Object.values(rows).reduce(
      (n, r) =>
        n +
        r.saturation.non2xx +
        r.saturation.errors +
        (r.halfRate ? r.halfRate.non2xx + r.halfRate.errors : 0),
      0,
    );
    check('failed requests across all runs', failedRequests, '== 0', failedRequests === 0);

    printTargets(targets);
    const report = {
      date: new Date().toISOString(),
      seconds: SECONDS,
      connections: CONNECTIONS,
      tracingAb: { ...tracing, servers: undefined },
      memoryMiB: { boot: bootRss, seedPeak, cachedPeak, uncachedPeak, chart, alertShareOfLimit: alertShare },
      rows,
      targets,
    };
    writeReport('bench-api.json', report, targets);
  } finally {
    for (const s of servers) if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

type Target = [name: string, value: number, goal: string, ok: boolean];

function tracingTargets(t: TracingAbc): Target[] {
  return [
    [
      'tracing off vs no tracing code (%)',
      t.offDelta * 100,
      `<= noise ${f(t.noise * 100)}`,
      t.offDelta <= t.noise,
    ],
    // Judged on the worst pairing of one "on" with one "off" process, not on the pooled figure:
    // with three processes per arm on a loaded machine the pooled loss came out -3 % while the
    // pairings spread from -17 % to +8 % (one unlucky "off" process), a pass by luck.
    [
      `tracing on (${t.percent} %) loss, worst of ${t.processesPerArm ** 2} process pairs (%)`,
      t.lossByProcessPair.max * 100,
      `<= 5; pooled ${f(t.lossRatio * 100)}`,
      t.lossByProcessPair.max <= 0.05,
    ],
  ];
}

function printTargets(targets: Target[]): void {
  console.log('\ntargets');
  for (const [name, value, goal, ok] of targets)
    console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${name.padEnd(54)} ${f(value).padStart(8)}  (${goal})`);
}

/** The figures for later comparison in artifacts/; a missed target fails the run. */
function writeReport(file: string, report: object, targets: Target[]): void {
  mkdirSync(join(DIST, '..', '..', 'artifacts'), { recursive: true });
  writeFileSync(join(DIST, '..', '..', 'artifacts', file), JSON.stringify(report, null, 2));
  if (targets.some((t) => !t[3])) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
