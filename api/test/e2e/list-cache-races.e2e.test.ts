import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlClient } from '../../src/database/sql-client';
import { MODE, REDIS_URL } from '../support/env';
import { directSession, reservedRedis } from '../support/jwt';
import { RACE_APP_ENV } from '../support/race-env';
import { client, startTestApp, type TestApp } from '../support/test-app';

/** This file's app keeps its cache on its own Redis database, which the FLUSHDB trials empty. */
const REDIS_DB = 14;
const redis = REDIS_URL ? reservedRedis(REDIS_URL, REDIS_DB) : undefined;
/** FLUSHDB needs a Redis; embedded mode runs every other trial against the in-process cache. */
const flushTrials = redis ? it : it.skip;
if (!redis)
  console.info('[skip] list cache FLUSHDB trials: need REDIS_URL (embedded mode has no Redis to flush)');

const TRIALS = 45;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Page = { items: { id: string; title: string }[] };
type Write = 'create' | 'update' | 'delete';

describe(`list cache read-your-writes under races (${MODE})`, () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        REDIS_URL: redis?.url,
        ...RACE_APP_ENV,
      },
    });
    api = client(t.url);
    // A slow list query (a loaded database): the page is read, then its rows arrive a little
    // later. This is what lets a write answer between a list's load and its cache fill.
    const sql = t.app.get(SqlClient);
    const rows = sql.rows.bind(sql);
    sql.rows = (async (operation: string, text: string, params: unknown[]) => {
      const result = await rows(operation, text, params);
      if (operation === 'tasks.list') await sleep(Math.random() * 15);
      return result;
    }) as typeof sql.rows;
  });
  afterAll(async () => {
    await t?.close();
    await redis?.close();
  });

  /** A list; a 503 (a loaded machine timing it out) is retried: the retry also starts after the write. */
  const titles = async (token: string) => {
    for (let attempt = 1; ; attempt++) {
      const res = await api.send<Page>('GET', '/api/tasks?limit=100', { token });
      if (res.status === 503 && attempt < 4) continue;
      if (res.status !== 200) throw new Error(`list answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body.items.map((x) => x.title);
    }
  };

  /**
   * One trial: a user whose list version is absent (new user) or whose cache is flushed, lists
   * in flight while a write happens. Every list that starts after the write answered, and every
   * list after the in-flight ones filled the cache, must show the write.
   */
  async function trial(write: Write, flush: 'none' | 'before' | 'during'): Promise<string[] | undefined> {
    const { userId, token } = await directSession(t.app);
    // The task an update or delete acts on is inserted directly: no write by the API yet, so the
    // user's list version is still absent when the race starts.
    const [seed] = await t.app
      .get(SqlClient)
      .rows<{ id: string }>(
        'test.seed',
        `INSERT INTO tasks (owner_id, title) VALUES ($1, 'seed') RETURNING id`,
        [userId],
      );
    if (flush !== 'none') await titles(token); // the version and a page exist, to be flushed
    if (flush === 'before') await redis!.flush();
    // Their answers are not judged (they may start before the write), only what they leave cached.
    const inflight = Array.from({ length: 4 }, () =>
      sleep(Math.random() * 4).then(() => titles(token).catch(() => [])),
    );
    if (flush === 'during') void sleep(Math.random() * 4).then(() => redis!.flush());
    await sleep(Math.random() * 3);
    const res =
      write === 'create'
        ? await api.send('POST', '/api/tasks', { token, body: { title: 'written' } })
        : write === 'update'
          ? await api.send('PATCH', `/api/tasks/${seed!.id}`, { token, body: { title: 'written' } })
          : await api.send('DELETE', `/api/tasks/${seed!.id}`, { token });
    if (res.status === 503) return undefined; // inconclusive: the machine timed the write out
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    const reflects = (list: string[]) =>
      write === 'create'
        ? list.includes('written')
        : write === 'update'
          ? list.join() === 'written'
          : list.length === 0;
    const violations: string[] = [];
    const right = await titles(token);
    if (!reflects(right)) violations.push(`right after the ${write}: ${JSON.stringify(right)}`);
    await Promise.all(inflight);
    for (const wait of [0, 20]) {
      await sleep(wait);
      const later = await titles(token);
      if (!reflects(later))
        violations.push(`${wait} ms after the in-flight lists ended: ${JSON.stringify(later)} (${write})`);
    }
    return violations;
  }

  it(`every list that starts after a write answered reflects it, from an absent version key (${TRIALS} trials, concurrent fills)`, async () => {
    const failed: string[] = [];
    let conclusive = 0;
    for (let i = 0; i < TRIALS; i++) {
      const write = (['create', 'update', 'delete'] as const)[i % 3]!;
      const violations = await trial(write, 'none');
      if (violations) conclusive++;
      failed.push(...(violations ?? []).map((v) => `trial ${i}: ${v}`));
    }
    expect(failed).toEqual([]);
    expect(conclusive, 'trials whose write answered (not 503)').toBeGreaterThanOrEqual(TRIALS * 0.8);
  });

  flushTrials('and when the cache is flushed (FLUSHDB) before or during the race', async () => {
    const failed: string[] = [];
    let conclusive = 0;
    for (let i = 0; i < 12; i++) {
      for (const flush of ['before', 'during'] as const) {
        const write = (['create', 'update', 'delete'] as const)[i % 3]!;
        const violations = await trial(write, flush);
        if (violations) conclusive++;
        failed.push(...(violations ?? []).map((v) => `trial ${i} (${flush}): ${v}`));
      }
    }
    expect(failed).toEqual([]);
    expect(conclusive, 'trials whose write answered (not 503)').toBeGreaterThanOrEqual(19);
  });
});
