import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CpuShare, cpuShare, readCpuProfile } from './cpu-profile';
import { runLoad } from './load';
import { byListening, byPort, cpuMs, f, memMiB, type Server, start, stop } from './servers';
import { measureTracingFloor, type TracingFloor } from './tracing-floor';

const DIST = join(__dirname, '..');
const ARMS = ['none', 'off', 'on0', 'on'] as const;
type Arm = (typeof ARMS)[number];
const SINK = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.writeHead(200, { 'content-type': 'application/json' }).end('{}')); }).listen(0, '127.0.0.1', function () { console.log(JSON.stringify({ port: this.address().port })); });`;
const label = (arm: Arm, percent: number): string =>
  ({ none: 'no tracing code', off: 'tracing off', on0: 'tracing on 0 %', on: `tracing on ${percent} %` })[
    arm
  ];

/** One API process of an arm: its share of the rounds. */
export interface ArmProcess {
  requests: number;
  cpuMs: number;
  roundRps: number[];
  bootRssMiB: number;
}

export interface TracingAbc {
  servers: Server[];
  /** Per arm: every process's figures, and their sums. */
  arms: Record<Arm, { requests: number; cpuMs: number; roundRps: number[]; processes: ArmProcess[] }>;
  rounds: number;
  roundSeconds: number;
  processesPerArm: number;
  /** The baseline's own spread across its rounds: (max - min) / mean. */
  noise: number;
  /** |1 - off/none| throughput over all rounds. */
  offDelta: number;
  /** 1 - on/off throughput over all rounds, every process pooled. */
  lossRatio: number;
  /**
   * The same loss for every pairing of one "on" process with one "off" process: how far a
   * single process's luck moves the figure (identical processes differ by up to 5 % a run).
   * The target is judged on the worst pairing, so luck cannot pass it.
   */
  lossByProcessPair: { min: number; max: number };
  /** The "on" arm's sampling ratio, in percent (10 unless BENCH_TRACING_PERCENT says otherwise). */
  percent: number;
  /** The loss split: tracing on with nothing recorded (1 - on0/off), and recording (1 - on/on0). */
  lossSplit: { onNothingRecorded: number; recording: number };
  cpuPerRequestUs: Record<Arm, number>;
  /** The "on" build under the same load in a process of its own, CPU-profiled: tracing code's own share. */
  profiled: CpuShare & { seconds: number };
  /** The SDK's own CPU per recorded cached list, with no request around it (a lower bound). */
  floor: TracingFloor;
}

/** 1 - on/off for every pairing of an "on" process with an "off" process, by whole-run throughput. */
export function pairedLossRange(on: ArmProcess[], off: ArmProcess[]): { min: number; max: number } {
  const losses = on.flatMap((a) => off.map((b) => 1 - a.requests / b.requests));
  return { min: Math.min(...losses), max: Math.max(...losses) };
}

/**
 * The order of one round: every process of every arm once, arms interleaved (none, off, on0, on
 * of the first processes, then of the second ones...), the whole list shifted by one place per
 * round so that no unit always runs first (a round's start drifts the most from the last one's).
 */
export function roundOrder<A>(arms: readonly A[], processes: number, round: number): [A, number][] {
  const units = Array.from({ length: processes }, (_, p) => arms.map((a): [A, number] => [a, p])).flat();
  const shift = round % units.length;
  return [...units.slice(shift), ...units.slice(0, shift)];
}

/** What counts as tracing's own CPU: the OpenTelemetry packages and our tracing module. */
const isTracing = (owner: string) => owner.startsWith('@opentelemetry/') || owner.startsWith('src/tracing/');

/**
 * Tracing's cost, on the cached list (the cheapest request, so the worst case for a per-request
 * cost), four builds measured in rotation (each process of each arm once per round, the order
 * shifted every round) so machine drift hits all alike:
 *   none: the build without tracing code paths (bench/no-tracing: tracing modules stubbed out);
 *   off:  the real build, no TRACING_OTLP_ENDPOINT;
 *   on0:  the real build with tracing on and a ratio of 0 (the SDK and hooks, nothing recorded);
 *   on:   the real build exporting `percent` (10) % of traces to a local OTLP sink.
 * Each arm runs in `processes` API processes of its own and its figure pools them: rotation
 * cancels the drift of the machine, not the luck of one process (two identical processes
 * differed by 1.5-5 % over a whole run), which only more processes average out. The run prints
 * the pooled loss and the range over every on/off process pairing; the target takes the worst.
 * The "on 0 %" arm splits the loss into what tracing costs every request and what recording
 * costs; it is printed, the target is on vs off.
 * Noise is the same run's spread of the baseline's own rounds: "off" must differ from "none" by
 * no more than that; "on" must lose at most 5 % against "off".
 * The run ends with the "on" build CPU-profiled under the same load in a process of its own: the
 * share of its CPU spent in tracing code itself, by package. That is tracing's direct cost only;
 * the A/B also sees the indirect one (more GC, the rest of the process running slower), which on
 * 2026-12-03 was twice to three times the direct cost (docs/observability.md). Last, the SDK's
 * floor: the CPU its spans and their export cost with no request around them (tracing-floor.ts),
 * which the recording part cannot go below whatever the API does.
 */
export async function measureTracing(opts: {
  apiEnv: Record<string, string>;
  listOn: (s: Server) => { url: string; headers: Record<string, string> };
  connections: number;
  seconds: number;
  rounds: number;
  processes: number;
  percent: number;
}): Promise<TracingAbc> {
  const ratio = String(opts.percent / 100);
  // The OTLP sink stands in for the collector in its own process: inside this one it would take
  // CPU from the load generator during the "on" arm only.
  const sink = await start(['-e', SINK], {}, byPort);
  // The APIs share one Redis, so the listed page is one cache entry: its expiry (60 s by
  // default) sent whichever arm was running then through a burst of database loads. The cached
  // path is what is measured here, so the entry outlives the run.
  opts = { ...opts, apiEnv: { ...opts.apiEnv, CACHE_TTL_SECONDS: '3600' } };
  const sinkUrl = `${sink.url}/v1/traces`;
  const main = join(DIST, 'src', 'main.js');
  const build: Record<Arm, [string, Record<string, string>]> = {
    none: [join(DIST, 'bench', 'no-tracing', 'main.js'), opts.apiEnv],
    off: [main, opts.apiEnv],
    on0: [main, { ...opts.apiEnv, TRACING_OTLP_ENDPOINT: sinkUrl, TRACING_SAMPLE_RATIO: '0' }],
    on: [main, { ...opts.apiEnv, TRACING_OTLP_ENDPOINT: sinkUrl, TRACING_SAMPLE_RATIO: ratio }],
  };
  const servers = Object.fromEntries(ARMS.map((a) => [a, [] as Server[]])) as Record<Arm, Server[]>;
  try {
    for (let p = 0; p < opts.processes; p++)
      for (const a of ARMS) servers[a].push(await start(build[a][0], build[a][1], byListening));
    const arms = Object.fromEntries(
      ARMS.map((a) => [
        a,
        {
          requests: 0,
          cpuMs: 0,
          roundRps: [] as number[],
          processes: servers[a].map(
            (s): ArmProcess => ({
              requests: 0,
              cpuMs: 0,
              roundRps: [],
              bootRssMiB: memMiB(s.proc.pid, 'VmRSS'),
            }),
          ),
        },
      ]),
    ) as TracingAbc['arms'];
    const roundSeconds = Math.max(2, Math.round(opts.seconds / 2));
    // Warm-up at full load: a fresh process's throughput climbs for several seconds (JIT, pools);
    // a 1 s warm-up left that climb inside the rounds and made the noise band meaningless (70 %),
    // and 4 s still left the first rounds of every arm climbing.
    for (const a of ARMS)
      for (const s of servers[a])
        await runLoad({
          ...opts.listOn(s),
          connections: opts.connections,
          seconds: Math.max(8, opts.seconds),
        });
    for (let round = 0; round < opts.rounds; round++) {
      for (const [arm, p] of roundOrder(ARMS, opts.processes, round)) {
        const s = servers[arm][p]!;
        const cpu = cpuMs(s.proc.pid);
        const r = await runLoad({ ...opts.listOn(s), connections: opts.connections, seconds: roundSeconds });
        const one = arms[arm].processes[p]!;
        one.requests += r.rps * roundSeconds;
        one.cpuMs += cpuMs(s.proc.pid) - cpu;
        one.roundRps.push(r.rps);
        arms[arm].requests += r.rps * roundSeconds;
        arms[arm].cpuMs += cpuMs(s.proc.pid) - cpu;
        arms[arm].roundRps.push(r.rps);
      }
    }
    const profiled = await profileTracingShare(main, {
      ...opts,
      apiEnv: { ...opts.apiEnv, TRACING_OTLP_ENDPOINT: sinkUrl, TRACING_SAMPLE_RATIO: ratio },
      seconds: opts.rounds * roundSeconds,
    });
    const floor = await measureTracingFloor(sinkUrl);
    const rps = (a: Arm) => arms[a].requests / (opts.rounds * opts.processes * roundSeconds);
    const cpuPerRequestUs = Object.fromEntries(
      ARMS.map((a) => [a, (arms[a].cpuMs * 1000) / arms[a].requests]),
    ) as Record<Arm, number>;
    const base = arms.none.roundRps;
    const result: TracingAbc = {
      servers: ARMS.flatMap((a) => servers[a]),
      arms,
      rounds: opts.rounds,
      roundSeconds,
      processesPerArm: opts.processes,
      percent: opts.percent,
      noise: (Math.max(...base) - Math.min(...base)) / rps('none'),
      offDelta: Math.abs(1 - rps('off') / rps('none')),
      lossRatio: 1 - rps('on') / rps('off'),
      lossByProcessPair: pairedLossRange(arms.on.processes, arms.off.processes),
      lossSplit: { onNothingRecorded: 1 - rps('on0') / rps('off'), recording: 1 - rps('on') / rps('on0') },
      cpuPerRequestUs,
      profiled,
      floor,
    };
    const pct = (x: number) => `${f(x * 100)} %`;
    const recordingUs = cpuPerRequestUs.on - cpuPerRequestUs.on0;
    console.log(
      `tracing A/B/C (cached list, ${opts.processes} processes per arm, ${opts.rounds} rounds x ${roundSeconds}s each, rotating):\n` +
        ARMS.map(
          (a) =>
            `  ${label(a, opts.percent).padEnd(16)} ${f(rps(a)).padStart(8)} req/s ${f(cpuPerRequestUs[a]).padStart(5)} µs CPU/req  boot RSS ${arms[a].processes.map((p) => f(p.bootRssMiB)).join('/')} MiB  per process ${arms[a].processes.map((p) => f(p.requests / (opts.rounds * roundSeconds))).join(' ')} req/s`,
        ).join('\n') +
        `\n  off vs no tracing code: ${pct(result.offDelta)} (noise: baseline rounds spread ${pct(result.noise)}); on vs off: throughput loss ${pct(result.lossRatio)} (by process pair ${pct(result.lossByProcessPair.min)} to ${pct(result.lossByProcessPair.max)}), CPU/req ${pct(cpuPerRequestUs.on / cpuPerRequestUs.off - 1)}` +
        `\n  split: on 0 % vs off ${pct(result.lossSplit.onNothingRecorded)} (every request), on ${opts.percent} % vs on 0 % ${pct(result.lossSplit.recording)} (recording)` +
        `\n  tracing on ${opts.percent} %, CPU-profiled for ${profiled.seconds}s: tracing code itself (direct cost; the A/B above adds the indirect) ${pct(profiled.share)} of its CPU (GC ${pct(profiled.gcUs / profiled.busyUs)} of busy, split alike): ` +
        profiled.byOwner
          .map(([o, us]) => `${o} ${f((us / (profiled.busyUs - profiled.gcUs)) * 100)}`)
          .join(', ') +
        `\n  SDK floor, no request around it: ${f(floor.usPerRecorded)} µs CPU per recorded cached list (${floor.spansPerRecorded} spans to the sink; runs ${floor.repetitions.map(f).join(', ')}), ${f((floor.usPerRecorded * opts.percent) / 100)} µs per request at ${opts.percent} %; the A/B's recording part: ${f(recordingUs)} µs per request, so ${f((recordingUs * 100) / opts.percent)} per recorded one (process CPU under load, the kernel's and GC threads' share included)`,
    );
    return result;
  } finally {
    for (const a of ARMS) for (const s of servers[a]) await stop(s);
    await stop(sink);
  }
}

/**
 * The "on" build in a fresh process with `--cpu-prof`, warmed up, then loaded for `seconds`;
 * only the samples taken during that load count (the profile's clock is process.hrtime's).
 */
async function profileTracingShare(
  main: string,
  opts: {
    apiEnv: Record<string, string>;
    listOn: (s: Server) => { url: string; headers: Record<string, string> };
    connections: number;
    seconds: number;
  },
): Promise<TracingAbc['profiled']> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tracing-prof-'));
  try {
    const server = await start(
      main,
      { ...opts.apiEnv, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` },
      byListening,
    );
    let window: { fromUs: number; toUs: number };
    try {
      await runLoad({ ...opts.listOn(server), connections: opts.connections, seconds: 8 });
      const fromUs = Number(process.hrtime.bigint() / 1000n);
      await runLoad({ ...opts.listOn(server), connections: opts.connections, seconds: opts.seconds });
      window = { fromUs, toUs: Number(process.hrtime.bigint() / 1000n) };
    } finally {
      await stop(server); // the profile is written as the process exits
    }
    const file = readdirSync(dir).find((n) => n.endsWith('.cpuprofile'));
    if (!file) throw new Error(`bench: the profiled API wrote no .cpuprofile into ${dir}`);
    return { ...cpuShare(readCpuProfile(join(dir, file)), isTracing, window), seconds: opts.seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
