/**
 * The drill refuses to start cleanly: an unknown scenario lists the valid names; a taken port or a
 * missing tool is named, and nothing is started or created (no process, no database).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDrillConfig } from '../src/harness/config';
import { parseScenarios, SCENARIOS, scenarioNames } from '../src/scenarios/catalogue';
import { drillDatabases, processesOf, reachable } from './support/leftovers';
import { REPO } from './support/run-drill';

const CLI = join(REPO, 'drills', 'dist', 'src', 'cli', 'drill.js');
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const BUILT = existsSync(CLI);
if (!BUILT) console.warn(`drill CLI tests skipped: ${CLI} is not built (run \`make build-drills\`)`);

function run(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('SCENARIO lists', () => {
  const names = (raw: string | undefined) => {
    const parsed = parseScenarios(raw);
    return 'error' in parsed ? parsed.error : parsed.scenarios.map((s) => s.name);
  };

  it('takes one name, several in the given order, or all', () => {
    expect(names('db-down')).toEqual(['db-down']);
    expect(names('cache-down, pod-kill')).toEqual(['cache-down', 'pod-kill']);
    expect(names('all')).toEqual(SCENARIOS.map((s) => s.name));
  });

  it('refuses an unknown, a repeated or a missing name, naming it', () => {
    expect(names('pod-kill,nope,db-down')).toBe('unknown SCENARIO "nope"');
    expect(names('db-down,db-down')).toBe('SCENARIO names db-down more than once');
    expect(names('')).toBe('SCENARIO is not set');
    expect(names(undefined)).toBe('SCENARIO is not set');
  });
});

describe.skipIf(!BUILT)('drill CLI refusals', () => {
  it('an unknown SCENARIO prints the valid names and exits non-zero', () => {
    const res = run(['no-such-drill'], {});
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('unknown SCENARIO "no-such-drill"');
    for (const name of scenarioNames()) expect(res.stderr).toContain(name);
    const unset = run([], {});
    expect(unset.status).toBe(2);
    expect(unset.stderr).toContain('SCENARIO is not set');
  });

  it('a bad setting fails naming the variable', () => {
    const res = run(['pod-kill'], { DRILL_PORT_BASE: '50000' });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('DRILL_PORT_BASE=50000');
  });

  describe('cannot start', () => {
    const base = 24300;
    const ports = loadDrillConfig({ DRILL_PORT_BASE: String(base) }).ports;
    let blocker: Server;
    let services = false;
    beforeAll(async () => {
      services = (await reachable('127.0.0.1', 5432)) && (await reachable('127.0.0.1', 6379));
      blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(ports.prometheus, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

    it('a taken port is named, and nothing is started or created', async (ctx) => {
      if (!services) {
        console.warn(
          'skipped: PostgreSQL/Redis not reachable on 127.0.0.1 (the drill would name them instead)',
        );
        ctx.skip();
      }
      const before = await drillDatabases(ADMIN_URL);
      const runId = `cli-port-${process.pid}`;
      const res = run(['db-down'], { DRILL_PORT_BASE: String(base), DRILL_RUN_ID: runId });
      expect(res.status).toBe(3);
      expect(res.stderr).toContain(`port 127.0.0.1:${ports.prometheus} (prometheus) is taken`);
      expect(res.stderr).toContain('nothing was started or changed');
      expect(processesOf(runId)).toEqual([]);
      expect(await drillDatabases(ADMIN_URL)).toEqual(before);
    });

    it('a missing tool is named', (ctx) => {
      // /usr/sbin holds nginx: without it on PATH, the tool check must name it.
      const path = (process.env.PATH ?? '')
        .split(':')
        .filter((p) => p !== '/usr/sbin' && p !== '/sbin')
        .join(':');
      if (spawnSync('sh', ['-c', 'command -v nginx'], { env: { PATH: path } }).status === 0) {
        console.warn('skipped: nginx is installed outside /usr/sbin here, so PATH cannot hide it');
        ctx.skip();
      }
      const res = run(['db-down'], { PATH: path, DRILL_PORT_BASE: String(base) });
      expect(res.status).toBe(3);
      expect(res.stderr).toMatch(/tool missing: nginx \(install: make tools/);
    });
  });
});
