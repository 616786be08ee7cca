import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { TaskPage } from '@taskboard/contracts';
import { AppCache } from '../cache/app-cache';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { inSpan } from '../tracing/tracing';
import type { ListTasksQuery } from './dto/task.dto';

const VERSION_TTL_MS = 86_400_000;

/**
 * Caches a user's task pages under keys that carry the user id and a per-user version.
 * Every write by that user replaces the version, which orphans all of the user's pages at
 * once (whatever filters or cursors they were for) without listing or scanning keys.
 */
@Injectable()
export class TaskListCache {
  private readonly ttlMs: number;
  private readonly enabled: boolean;
  /** Users whose invalidation the cache missed (it was down): bypass the cache for them until it returns. */
  private readonly unsynced = new Set<string>();

  constructor(
    private readonly cache: AppCache,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.cache.ttlSeconds * 1000;
    this.enabled = config.cache.enabled;
  }

  async read(userId: string, query: ListTasksQuery, load: () => Promise<TaskPage>): Promise<TaskPage> {
    if (!this.enabled) return load();
    if (this.unsynced.has(userId) && !(await this.invalidate(userId))) return load();
    // The version is settled BEFORE the page is loaded, and a reader never overwrites it: a page
    // is cached under V only if V was current when its load began, so a write that answered
    // before this read started (and replaced the version) can never be hidden by it.
    const { version, hit } = await inSpan('cache tasks lookup', { 'cache.name': 'tasks' }, async () => {
      const version = await this.currentVersion(userId);
      if (version === undefined) return { version, hit: undefined };
      return { version, hit: await this.cache.get<TaskPage>('tasks', pageKey(userId, version, query)) };
    });
    if (version === undefined) return load();
    if (hit) return hit;
    const key = pageKey(userId, version, query);
    const page = await load();
    await this.cache.set('tasks', key, page, this.ttlMs);
    return page;
  }

  /** Called after every write by the user. Returns false if the cache could not record it. */
  async invalidate(userId: string): Promise<boolean> {
    if (!this.enabled) return true;
    const ok = await this.cache.setString('task_versions', versionKey(userId), randomUUID(), VERSION_TTL_MS);
    if (ok) this.unsynced.delete(userId);
    else this.unsynced.add(userId);
    return ok;
  }

  /**
   * The user's list version; when absent (first list, eviction, expiry, Redis restart or FLUSHDB)
   * a new one is created only if still absent, else the writer's (or another reader's) is used.
   * `undefined`: the cache is unavailable, so the caller loads uncached.
   */
  private async currentVersion(userId: string): Promise<string | undefined> {
    const key = versionKey(userId);
    const [current] = (await this.cache.getStrings('task_versions', [key])) ?? [undefined];
    if (current !== undefined || !this.cache.healthy) return current;
    const fresh = randomUUID();
    const created = await this.cache.setIfAbsent('task_versions', key, fresh, VERSION_TTL_MS);
    if (created === 'written') return fresh;
    if (created === 'failed') return undefined;
    const [settled] = (await this.cache.getStrings('task_versions', [key])) ?? [undefined];
    return settled;
  }
}

const versionKey = (userId: string) => `tasks:${userId}:version`;
const pageKey = (userId: string, version: string, q: ListTasksQuery) =>
  `tasks:${userId}:${version}:${q.status ?? ''}|${q.priority ?? ''}|${q.sort ?? ''}|${q.limit ?? ''}|${q.cursor ?? ''}`;
