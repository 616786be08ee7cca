import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../config/config';
import { readinessDbBudgetMs } from './health.controller';

describe('readiness database budget', () => {
  it('is the request deadline, never the 500 ms latency SLO: a slow database is latency, not an outage', () => {
    const server = { DATABASE_URL: 'postgres://db/app' };
    expect(readinessDbBudgetMs(loadConfig(server))).toBe(1250);
    expect(readinessDbBudgetMs(loadConfig({ ...server, DATABASE_REQUEST_DEADLINE_MS: '3000' }))).toBe(3000);
    // The embedded database has no request deadline: the statement timeout bounds the ping.
    expect(readinessDbBudgetMs(loadConfig({}))).toBe(1000);
  });

  it("fits inside the chart's readiness probe timeout, or the kubelet would give up first", () => {
    const values = parse(readFileSync(join(__dirname, '../../../helm/taskboard/values.yaml'), 'utf8')) as {
      api: { probes: { readiness: { timeoutSeconds: number } } };
    };
    const probeMs = values.api.probes.readiness.timeoutSeconds * 1000;
    expect(readinessDbBudgetMs(loadConfig({ DATABASE_URL: 'postgres://db/app' }))).toBeLessThan(probeMs);
  });
});
