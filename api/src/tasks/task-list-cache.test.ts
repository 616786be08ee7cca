import 'reflect-metadata';
import type { TaskPage } from '@taskboard/contracts';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { AppCache } from '../cache/app-cache';
import type { AppConfig } from '../config/config';
import { AppMetrics } from '../metrics/app-metrics';
import { TaskListCache } from './task-list-cache';

const USER = '1b5e6c8e-1f1a-4a59-9d36-3b8c0f6f4a10';
const config = { cache: { ttlSeconds: 60, enabled: true } } as AppConfig;
const page = (titles: string[]): TaskPage =>
  ({ items: titles.map((title) => ({ title })), nextCursor: null, limit: 20 }) as unknown as TaskPage;
const titlesOf = (p: TaskPage) => p.items.map((x) => x.title);

/**
 * The list cache over the in-process backend (what embedded mode runs), with every interleaving
 * of page loads and writes explored: a page whose load began before a write may be answered,
 * but never left cached for lists that start after the write answered.
 */
describe('TaskListCache read-your-writes (in-process cache)', () => {
  let lists: TaskListCache;
  beforeEach(() => {
    AppMetrics.resetRegistry();
    lists = new TaskListCache(new AppCache(new AppMetrics(), 100, undefined), config);
  });

  it('never keeps a page loaded before a write, whether the version key was absent or present', async () => {
    for (const warm of [false, true]) {
      const db: string[] = ['seed'];
      const user = `${USER.slice(0, -1)}${warm ? 1 : 2}`;
      if (warm) await lists.read(user, {}, async () => page(db));
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      // A list loads the rows as they are now, and its answer arrives after a write answered.
      const slow = lists.read(user, { limit: 5 }, async () => {
        const rows = page(db);
        await gate;
        return rows;
      });
      await new Promise((r) => setTimeout(r, 1));
      db.push('written');
      expect(await lists.invalidate(user)).toBe(true);
      release();
      expect(titlesOf(await slow)).toEqual(['seed']); // it started before the write: fine
      const after = await lists.read(user, { limit: 5 }, async () => page(db));
      expect(titlesOf(after), `version key ${warm ? 'present' : 'absent'}`).toEqual(['seed', 'written']);
    }
  });

  it('every interleaving of concurrent fills and a write leaves the write visible', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (s, readers, warm) => {
          AppMetrics.resetRegistry();
          const cache = new TaskListCache(new AppCache(new AppMetrics(), 100, undefined), config);
          const db: string[] = [];
          const load = async () => {
            const rows = page(db);
            await s.schedule(Promise.resolve(), 'rows arrive');
            return rows;
          };
          if (warm) await cache.read(USER, {}, async () => page(db));
          const write = s.schedule(Promise.resolve(), 'write commits').then(() => {
            db.push('written');
            return cache.invalidate(USER);
          });
          const reads = Array.from({ length: readers }, (_, i) =>
            s.schedule(Promise.resolve(), `list ${i} starts`).then(() => cache.read(USER, {}, load)),
          );
          await s.waitFor(Promise.all([write, ...reads]));
          const after = await cache.read(USER, {}, async () => page(db));
          expect(titlesOf(after)).toEqual(['written']);
        },
      ),
      { numRuns: 300 },
    );
  });
});
