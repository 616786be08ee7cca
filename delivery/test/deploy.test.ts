import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DeployState, deploy, rollback } from '../src/deploy/deploy';
import { type DeployRecord, JsonFileHistory, lastGoodVersion, MemoryHistory } from '../src/deploy/history';

/** A fake fleet: which version serves, and which versions pass (or break) their smoke test. */
function fleet(options: { bad?: string[]; unswitchable?: string[] } = {}) {
  const switches: string[] = [];
  const smoked: string[] = [];
  const states: string[] = [];
  let live: string | undefined;
  let t = 0;
  return {
    switches,
    smoked,
    states,
    live: () => live,
    deps: (history = new MemoryHistory()) => ({
      history,
      clock: () => (t += 10),
      now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, t / 1000)),
      onState: (s: DeployState, v: string) => states.push(`${s}:${v}`),
      target: {
        async switchTo(v: string) {
          if (options.unswitchable?.includes(v)) throw new Error(`no such image ${v}`);
          switches.push(v);
          live = v;
        },
      },
      smoke: async (v: string) => {
        smoked.push(`${v}@${live}`);
        return options.bad?.includes(v)
          ? { ok: false, failedStep: 'refresh', reason: '401', ms: 5 }
          : { ok: true, ms: 5 };
      },
    }),
  };
}

describe('deploy: switch, smoke test, roll back on failure', () => {
  it('a good version stays live and is recorded as succeeded with version, actor and times', async () => {
    const f = fleet();
    const history = new MemoryHistory();
    const first = await deploy('v1', 'alice', f.deps(history));
    expect(first).toMatchObject({ action: 'deploy', version: 'v1', actor: 'alice', result: 'succeeded' });
    expect(first).toMatchObject({ previous: null, live: 'v1', smoke: { ok: true } });
    expect(Date.parse(first.startedAt)).toBeLessThanOrEqual(Date.parse(first.finishedAt));
    const second = await deploy('v2', 'bob', f.deps(history));
    expect(second).toMatchObject({ previous: 'v1', live: 'v2', result: 'succeeded' });
    expect(f.live()).toBe('v2');
    expect(second.rollback).toBeUndefined();
    expect(history.records).toHaveLength(2);
  });

  it('a version that fails its smoke test is rolled back to the last good one, which is smoke-tested again', async () => {
    const f = fleet({ bad: ['v2'] });
    const history = new MemoryHistory();
    await deploy('v1', 'ci', f.deps(history));
    const entry = await deploy('v2', 'ci', f.deps(history));
    expect(entry.result).toBe('rolled-back');
    expect(entry).toMatchObject({ previous: 'v1', live: 'v1', smoke: { ok: false, failedStep: 'refresh' } });
    expect(entry.rollback).toMatchObject({ to: 'v1', smoke: { ok: true } });
    expect(entry.rollback!.ms).toBeGreaterThan(0);
    expect(f.live()).toBe('v1');
    // The smoke tests ran against what was live at the time: v2 then v1 again.
    expect(f.smoked).toEqual(['v1@v1', 'v2@v2', 'v1@v1']);
    expect(f.states.slice(-6)).toEqual([
      'switching:v2',
      'smoke-testing:v2',
      'rolling-back:v1',
      'switching:v1',
      'smoke-testing:v1',
      'rolled-back:v2',
    ]);
  });

  it('returns to the last good version, skipping versions that were themselves rolled back', async () => {
    const f = fleet({ bad: ['v2', 'v3'] });
    const history = new MemoryHistory();
    await deploy('v1', 'ci', f.deps(history));
    await deploy('v2', 'ci', f.deps(history));
    const third = await deploy('v3', 'ci', f.deps(history));
    expect(third).toMatchObject({ result: 'rolled-back', previous: 'v1', live: 'v1' });
  });

  it('rollback-failed when the last good version fails its smoke test too (both broken: page someone)', async () => {
    const f = fleet({ bad: ['v2'] });
    const history = new MemoryHistory();
    await deploy('v1', 'ci', f.deps(history));
    const broken = fleet({ bad: ['v1', 'v2'] });
    const entry = await deploy('v2', 'ci', broken.deps(history));
    expect(entry.result).toBe('rollback-failed');
    expect(entry.rollback).toMatchObject({ to: 'v1', smoke: { ok: false } });
  });

  it('a first deploy that fails has nothing to roll back to and is recorded as failed', async () => {
    const f = fleet({ bad: ['v1'] });
    const entry = await deploy('v1', 'ci', f.deps());
    expect(entry).toMatchObject({ result: 'failed', previous: null, live: 'v1' });
    expect(f.switches).toEqual(['v1']);
  });

  it('a switch that throws is a failed step named "switch", and the last good version is put back', async () => {
    const f = fleet({ unswitchable: ['v2'] });
    const history = new MemoryHistory();
    await deploy('v1', 'ci', f.deps(history));
    const entry = await deploy('v2', 'ci', f.deps(history));
    expect(entry.smoke).toMatchObject({ ok: false, failedStep: 'switch', reason: 'no such image v2' });
    expect(entry).toMatchObject({ result: 'rolled-back', live: 'v1' });
    expect(f.smoked).toEqual(['v1@v1', 'v1@v1']);
  });
});

describe('manual rollback', () => {
  it('returns to the previous good version by default, and to a chosen one when asked', async () => {
    const f = fleet();
    const history = new MemoryHistory();
    for (const v of ['v1', 'v2', 'v3']) await deploy(v, 'ci', f.deps(history));
    const back = await rollback('carol', f.deps(history));
    expect(back).toMatchObject({
      action: 'rollback',
      version: 'v2',
      previous: 'v3',
      live: 'v2',
      result: 'succeeded',
    });
    expect(back.actor).toBe('carol');
    const chosen = await rollback('carol', f.deps(history), { to: 'v1' });
    expect(chosen).toMatchObject({ version: 'v1', previous: 'v2', live: 'v1' });
    expect(f.live()).toBe('v1');
  });

  it('refuses when the history holds no other good version', async () => {
    const f = fleet();
    const history = new MemoryHistory();
    await deploy('v1', 'ci', f.deps(history));
    await expect(rollback('carol', f.deps(history))).rejects.toThrow(/no earlier good version/);
  });

  it('records a failed manual rollback as failed', async () => {
    const f = fleet({ bad: ['v1'] });
    const history = new MemoryHistory();
    history.records.push({ ...goodRecord('v1') }, { ...goodRecord('v2') });
    const entry = await rollback('carol', f.deps(history));
    expect(entry).toMatchObject({ version: 'v1', result: 'failed', smoke: { ok: false } });
  });
});

function goodRecord(version: string): DeployRecord {
  return {
    action: 'deploy',
    version,
    actor: 'ci',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    result: 'succeeded',
    previous: null,
    live: version,
    smoke: { ok: true, ms: 1 },
    durationMs: 60_000,
  };
}

describe('deploy history', () => {
  it('lastGoodVersion: newest succeeded version, or the version a rollback restored', () => {
    expect(lastGoodVersion([])).toBeUndefined();
    const rolledBack: DeployRecord = { ...goodRecord('v3'), result: 'rolled-back', live: 'v2' };
    expect(lastGoodVersion([goodRecord('v1'), goodRecord('v2'), rolledBack])).toBe('v2');
    expect(lastGoodVersion([goodRecord('v1'), goodRecord('v2')], 'v2')).toBe('v1');
    expect(lastGoodVersion([goodRecord('v1'), { ...goodRecord('v2'), result: 'failed' }])).toBe('v1');
  });

  it('the JSON file keeps every record across instances, and refuses a file that is not an array', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taskboard-history-'));
    try {
      const file = join(dir, 'nested', 'history.json');
      expect(await new JsonFileHistory(file).list()).toEqual([]);
      await new JsonFileHistory(file).append(goodRecord('v1'));
      await new JsonFileHistory(file).append(goodRecord('v2'));
      const records = JSON.parse(readFileSync(file, 'utf8')) as DeployRecord[];
      expect(records.map((r) => r.version)).toEqual(['v1', 'v2']);
      writeFileSync(file, '{"not":"an array"}');
      await expect(new JsonFileHistory(file).list()).rejects.toThrow(/must be a JSON array/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
