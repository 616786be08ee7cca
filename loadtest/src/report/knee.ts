/**
 * Where stress broke the SLO: each constant-rate step judged on its own windows (p95 = the worst
 * window's p95, error ratio over the step), the knee being the highest step before the first one
 * that missed. Steps are matched to 10-second windows by when Artillery says each phase started,
 * so a boundary is accurate to one window.
 */
import type { SloLimits } from '../thresholds/slo';
import type { TimelinePoint } from './series';

export interface StepVerdict {
  readonly step: number;
  readonly rate: number;
  readonly achievedRps: number;
  readonly p95: number | null;
  readonly errorRatio: number | null;
  readonly held: boolean;
}

export interface Knee {
  readonly steps: readonly StepVerdict[];
  /** The last rate that held the SLO before it first broke; undefined when the first step broke. */
  readonly kneeRate: number | undefined;
  /** The first rate that broke it; undefined when every step held (raise LOADTEST_STRESS_MAX_RATE). */
  readonly brokeAt: number | undefined;
}

/**
 * When each phase started (epoch ms, by phase index), from the `Phase started: … (index: i, …)
 * HH:MM:SS(+0000)` lines Artillery prints. A load generator short of CPU stretches its phases (a
 * "30 s" step measured 39–60 s on a loaded 2-core host), so planned lengths would judge the wrong
 * windows. `day` is any epoch ms on the run's UTC day (the first window's start).
 */
export function phaseStarts(output: string, day: number): number[] {
  const starts: number[] = [];
  const midnight = Math.floor(day / 86_400_000) * 86_400_000;
  for (const m of output.matchAll(
    /Phase started: .*\(index: (\d+), duration: \d+s\) (\d\d):(\d\d):(\d\d)\(([+-])(\d\d)(\d\d)\)/g,
  )) {
    const [, index, hh, mm, ss, sign, oh, om] = m.map(String);
    const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
    let at = midnight + ((Number(hh) * 60 + Number(mm)) * 60 + Number(ss)) * 1000 - offset;
    // A run that crossed midnight (UTC): a phase cannot start half a day before the first window.
    if (at < day - 43_200_000) at += 86_400_000;
    starts[Number(index)] = at;
  }
  return starts;
}

export function findKnee(
  points: readonly TimelinePoint[],
  steps: readonly { rate: number; seconds: number }[],
  limits: SloLimits,
  /** Each step's real start (epoch ms, from `phaseStarts`); without it steps last their planned seconds. */
  starts: readonly number[] = [],
): Knee {
  const measured = starts.length === steps.length && starts.every((s) => Number.isFinite(s));
  let from = 0;
  const verdicts: StepVerdict[] = steps.map((s, i) => {
    const to = from + s.seconds;
    // A 10 s window belongs to the step its middle falls in.
    const windows = measured
      ? points.filter((p) => {
          const middle = p.at + 5_000;
          return middle >= starts[i]! && (i + 1 >= starts.length || middle < starts[i + 1]!);
        })
      : points.filter((p) => p.t >= from && p.t < to);
    from = to;
    const requests = windows.reduce((n, p) => n + p.requests, 0);
    const errors = windows.reduce((n, p) => n + p.errors, 0);
    const p95s = windows.flatMap((p) => (p.p95 === null ? [] : [p.p95]));
    const p95 = p95s.length ? Math.max(...p95s) : null;
    const errorRatio = requests > 0 ? errors / requests : null;
    const held =
      p95 !== null && p95 < limits.latencyMs && errorRatio !== null && errorRatio <= limits.maxErrorRatio;
    const achievedRps = windows.length
      ? windows.reduce((n, p) => n + p.requestsPerSecond, 0) / windows.length
      : 0;
    return { step: i + 1, rate: s.rate, achievedRps, p95, errorRatio, held };
  });
  const firstBroken = verdicts.findIndex((v) => !v.held);
  return {
    steps: verdicts,
    brokeAt: firstBroken < 0 ? undefined : verdicts[firstBroken]?.rate,
    kneeRate:
      firstBroken < 0
        ? verdicts.at(-1)?.rate
        : firstBroken === 0
          ? undefined
          : verdicts[firstBroken - 1]?.rate,
  };
}

/** One line naming the knee (Markdown bold), for the report, the perf-baseline index and the console. */
export function kneeHeadline(knee: Knee): string {
  return knee.brokeAt === undefined
    ? `**Knee: not reached** — every step up to ${knee.kneeRate} req/s held the SLO; raise LOADTEST_STRESS_MAX_RATE.`
    : knee.kneeRate === undefined
      ? `**Knee: below the first step** — ${knee.brokeAt} req/s already broke the SLO.`
      : `**Knee: ${knee.kneeRate} req/s** — the SLO held up to ${knee.kneeRate} req/s and broke at ${knee.brokeAt} req/s.`;
}

export function kneeMarkdown(knee: Knee, limits: SloLimits): string[] {
  return [
    kneeHeadline(knee),
    '',
    `SLO per step: ${limits.latencyPercentile} < ${limits.latencyMs} ms and error ratio <= ${(limits.maxErrorRatio * 100).toFixed(3)} %.`,
    '',
    '| Step | Target req/s | Achieved req/s | worst p95 | Error ratio | SLO |',
    '| --- | --- | --- | --- | --- | --- |',
    ...knee.steps.map(
      (s) =>
        `| ${s.step} | ${s.rate} | ${s.achievedRps.toFixed(1)} | ${s.p95 === null ? '–' : `${s.p95.toFixed(1)} ms`} | ${s.errorRatio === null ? '–' : `${(s.errorRatio * 100).toFixed(3)} %`} | ${s.held ? 'held' : '**broke**'} |`,
    ),
  ];
}
