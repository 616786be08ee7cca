/**
 * Load-test settings from the environment, typed and validated once here: a bad value fails fast
 * naming the variable and why. Defaults aim at the local API (`make demo`, http://127.0.0.1:3000).
 */
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  LOADTEST_TARGET: z
    .string()
    .default('http://127.0.0.1:3000')
    .refine((v) => {
      try {
        return ['http:', 'https:'].includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, 'must be an http(s) URL, e.g. http://127.0.0.1:3000'),
  /** Baseline arrival rate (new requests per second); the seed's figure is 100. */
  LOADTEST_RATE: int(1, 100_000).default(100),
  /** Main phase length of baseline/spike, in seconds. */
  LOADTEST_DURATION: int(5, 86_400).default(120),
  /** Stress ramps from LOADTEST_RATE to this rate in LOADTEST_STRESS_STEPS steps. */
  LOADTEST_STRESS_MAX_RATE: int(1, 1_000_000).default(600),
  LOADTEST_STRESS_STEPS: int(1, 100).default(6),
  LOADTEST_STRESS_STEP_SECONDS: int(10, 3_600).default(30),
  /** Spike: multiplier of LOADTEST_RATE during the spike. */
  LOADTEST_SPIKE_FACTOR: int(2, 100).default(5),
  LOADTEST_SOAK_SECONDS: int(60, 7 * 86_400).default(1_800),
  /** Journey: new virtual users per second (each registers, so the API's AUTH_RATE_LIMIT must allow it). */
  LOADTEST_JOURNEY_RATE: int(1, 10_000).default(2),
  /** Per-request timeout, seconds; a timed-out request counts as a failure. */
  LOADTEST_HTTP_TIMEOUT: int(1, 120).default(10),
  /** Hard bound on the whole Artillery process, added to twice the scenario's planned length. */
  LOADTEST_GRACE_SECONDS: int(10, 3_600).default(120),
});

export type LoadtestEnv = z.output<typeof schema>;

export function loadtestEnv(env: NodeJS.ProcessEnv = process.env): LoadtestEnv {
  const parsed = schema.safeParse(env);
  if (parsed.success) {
    if (parsed.data.LOADTEST_STRESS_MAX_RATE <= parsed.data.LOADTEST_RATE)
      throw new Error(
        `LOADTEST_STRESS_MAX_RATE (${parsed.data.LOADTEST_STRESS_MAX_RATE}) must be above LOADTEST_RATE (${parsed.data.LOADTEST_RATE}): stress ramps between them`,
      );
    return parsed.data;
  }
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new Error(`invalid load-test configuration:\n  ${problems.join('\n  ')}`);
}
