import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMBEDDED } from '../support/env';
import { BUILT, type SpawnedApi, spawnApi } from '../support/spawn-api';
import { client } from '../support/test-app';

/** pino levels: 40 warn, 50 error, 60 fatal. */
const WARN = 40;

/** Every stdout line at warn level or above, and anything on stderr: a healthy run has none. */
function problems(api: SpawnedApi): string[] {
  const lines = api.stdout.filter((line) => {
    try {
      return (JSON.parse(line) as { level?: number }).level! >= WARN;
    } catch {
      return true; // not JSON: something wrote around the logger
    }
  });
  return [...lines, ...api.stderr.filter((s) => s.trim() !== '')];
}

async function startServeStop(dataDir: string): Promise<string[]> {
  const api = await spawnApi({ EMBEDDED_DATA_DIR: dataDir, SPA_DIR: '' });
  try {
    const c = client(api.url);
    const user = await c.register();
    expect((await c.send('POST', '/api/tasks', { token: user.token, body: { title: 'x' } })).status).toBe(
      201,
    );
    expect((await c.send('GET', '/api/tasks', { token: user.token })).status).toBe(200);
    expect((await c.send('GET', '/health/ready')).status).toBe(200);
  } finally {
    api.proc.kill('SIGTERM');
    expect(await api.exited).toBe(0);
  }
  return problems(api);
}

// The spawned process always runs on the embedded defaults; once per `make test` is enough.
const run = BUILT && EMBEDDED ? describe : describe.skip;
if (BUILT && !EMBEDDED)
  console.info(
    '[skip] embedded start logs: runs in the embedded pass of `make test` (TASKBOARD_TEST_EMBEDDED=1)',
  );

run('a healthy embedded start (`make demo`)', () => {
  it('logs nothing at warn or error level: first start (migrations), restart, requests, SIGTERM', {
    timeout: 150_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taskboard-clean-start-'));
    try {
      expect(await startServeStop(dataDir), 'first start').toEqual([]);
      expect(await startServeStop(dataDir), 'restart on the same data').toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
