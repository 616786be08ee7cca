/**
 * A violated threshold fails the run. A stub API on 127.0.0.1 answers the task routes slowly
 * (above the latency SLO) and with 503s (beyond the error budget); the smoke scenario, with its
 * generated thresholds, must end with a non-zero exit and both checks failed. Also proves the
 * time bound: a run that would last longer is stopped and reported as timed out.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_PATHS } from '@taskboard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArtillery } from '../src/artillery/run';
import { loadtestEnv } from '../src/config/env';
import { SCENARIOS } from '../src/scenarios/index';
import { sloLimits } from '../src/thresholds/slo';
import { processesMatching } from './support/processes';

let server: Server;
let target = '';
let work = '';
let served = 0;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'loadtest-violated-'));
  const slowMs = sloLimits().latencyMs + 250;
  server = createServer((req, res) => {
    served++;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === API_PATHS.register) return send(201, { accessToken: 'stub', expiresIn: 900 });
    // Every third task request is a 503; every answer is slower than the latency SLO.
    setTimeout(
      () => (served % 3 === 0 ? send(503, { statusCode: 503 }) : send(200, { id: 'stub-task', items: [] })),
      slowMs,
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  target = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
  rmSync(work, { recursive: true, force: true });
});

describe('thresholds bite', () => {
  it('a run that breaks the SLO exits non-zero with the checks failed', async () => {
    const script = SCENARIOS.smoke?.build(loadtestEnv({ LOADTEST_TARGET: target }));
    if (!script) throw new Error('no smoke scenario');
    const out = join(work, 'violated');
    const outcome = await runArtillery({ script, outputDir: out, timeoutMs: 150_000 });
    expect(outcome.timedOut, outcome.output.slice(-2000)).toBe(false);
    expect(outcome.result?.aggregate.counters['http.codes.503']).toBeGreaterThan(0);
    expect(outcome.checks.length).toBe(2);
    expect(
      outcome.checks.every((c) => !c.passed && !c.optional),
      JSON.stringify(outcome.checks),
    ).toBe(true);
    expect(outcome.exitCode).not.toBe(0);
    expect(outcome.passed).toBe(false);
    expect(processesMatching(out)).toEqual([]);
  });

  it('a run longer than its bound is stopped and reported as timed out', async () => {
    const script = SCENARIOS.smoke?.build(loadtestEnv({ LOADTEST_TARGET: target }));
    if (!script) throw new Error('no smoke scenario');
    const out = join(work, 'bounded');
    const long = {
      ...script,
      config: { ...script.config, phases: [{ name: 'long', duration: 600, arrivalRate: 1 }] },
    };
    const started = Date.now();
    const outcome = await runArtillery({ script: long, outputDir: out, timeoutMs: 20_000 });
    expect(outcome.timedOut).toBe(true);
    expect(outcome.passed).toBe(false);
    // Killed at the bound, far from the 600 s the phase asked for.
    expect(Date.now() - started).toBeLessThan(120_000);
    expect(processesMatching(out)).toEqual([]);
  });
});
