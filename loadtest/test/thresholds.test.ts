/**
 * The thresholds are the SLO catalogue's numbers, derived, not retyped: the latency percentile
 * and limit come from SLOS.apiLatency, the error budget from SLOS.apiAvailability, and every
 * scenario carries them in config.plugins.ensure (the only place Artillery reads them from).
 */
import { SLOS } from '@taskboard/contracts';
import { describe, expect, it } from 'vitest';
import { loadtestEnv } from '../src/config/env';
import { SCENARIOS } from '../src/scenarios/index';
import { errorRatioExpression, SERVER_ERROR_CODES, sloEnsure, sloLimits } from '../src/thresholds/slo';

describe('thresholds from the SLO catalogue', () => {
  it('p95 < 500 ms and an error ratio within 0.1 %, from SLOS', () => {
    const limits = sloLimits();
    expect(limits.latencyMs).toBe(SLOS.apiLatency.thresholdSeconds * 1000);
    expect(limits.latencyPercentile).toBe(`p${Math.round(SLOS.apiLatency.objective * 100)}`);
    expect(limits.maxErrorRatio).toBeCloseTo(1 - SLOS.apiAvailability.objective, 12);
    // Today's catalogue, spelled out once so a drift of either side is visible in review.
    expect(limits).toEqual({ latencyPercentile: 'p95', latencyMs: 500, maxErrorRatio: 0.001 });
    expect(sloEnsure()).toEqual({
      thresholds: [{ 'http.response_time.p95': 500 }],
      conditions: [{ expression: errorRatioExpression(0.001), strict: true }],
    });
  });

  it('follows the catalogue when it changes (nothing hard-coded)', () => {
    const changed = {
      ...SLOS,
      apiLatency: { ...SLOS.apiLatency, objective: 0.99, thresholdSeconds: 0.3 },
      apiAvailability: { ...SLOS.apiAvailability, objective: 0.995 },
    } as unknown as typeof SLOS;
    expect(sloLimits(changed)).toEqual({ latencyPercentile: 'p99', latencyMs: 300, maxErrorRatio: 0.005 });
    const unsupported = {
      ...SLOS,
      apiLatency: { ...SLOS.apiLatency, objective: 0.97 },
    } as unknown as typeof SLOS;
    expect(() => sloLimits(unsupported)).toThrow(/objective 0.97 has no Artillery percentile/);
  });

  it('the error ratio counts every 5xx code and requests without a response, never maxErrorRate', () => {
    const expression = errorRatioExpression(0.001);
    for (const code of SERVER_ERROR_CODES) expect(expression).toContain(`(http.codes.${code} or 0)`);
    expect(expression).toContain('http.requests - http.responses');
    expect(JSON.stringify(Object.values(SCENARIOS).map((s) => s.build(loadtestEnv({}))))).not.toContain(
      'maxErrorRate',
    );
  });

  it('every scenario loads the ensure plugin with the SLO checks (stress: the same checks, optional)', () => {
    const env = loadtestEnv({});
    const slo = sloEnsure();
    for (const s of Object.values(SCENARIOS)) {
      const ensure = s.build(env).config.plugins?.ensure;
      if (s.name === 'stress')
        expect(ensure?.conditions?.map((c) => [c.expression, c.strict])).toEqual([
          ['http.response_time.p95 < 500', false],
          [errorRatioExpression(0.001), false],
        ]);
      else expect(ensure, s.name).toEqual(slo);
    }
  });
});
