import KeyvRedis from '@keyv/redis';
import { type Cache, createCache } from 'cache-manager';
import { CacheableMemory, KeyvCacheableMemory } from 'cacheable';
import { Keyv } from 'keyv';
import type { AppMetrics } from '../metrics/app-metrics';
import { OpDeadlines } from '../redis/op-deadlines';
import type { RedisConnection } from '../redis/redis-connection';

export type CacheName = 'tasks' | 'task_versions' | 'sessions';

/** Outcome of a conditional write; `failed` also covers "not attempted" (cache down or backing off). */
export type SetIfAbsentResult = 'written' | 'exists' | 'failed';

/**
 * Prefix of the plain string keys (`getStrings`/`setString`/`setIfAbsent`). Keyv stores its
 * entries as JSON envelopes under `taskboard::<key>`; the string keys live beside them under
 * `taskboard:` + key, so the two access paths never read each other's format.
 */
const STRING_PREFIX = 'taskboard:';

/** After a failed operation the cache is skipped this long, so a stalled Redis costs one timeout per period, not one per request. */
const BACKOFF_MS = 1000;

/**
 * cache-manager over Keyv (Redis when configured, a bounded in-process LRU otherwise), made
 * safe to put in front of the database: every operation has a deadline and never throws. A
 * failed or slow cache reads as a miss and counts an error, so a Redis outage degrades to
 * uncached reads instead of failing requests.
 */
export class AppCache {
  readonly backend: 'redis' | 'memory';
  private readonly cache: Cache;
  /** The in-process home of the string keys (memory backend): synchronous, so `setIfAbsent` is atomic. */
  private readonly strings = new CacheableMemory({ lruSize: 50_000 });
  /** One timer for every pending operation's deadline (why not a race per call: op-deadlines.ts). */
  private readonly deadlines: OpDeadlines;
  private failedAt = 0;

  constructor(
    private readonly metrics: AppMetrics,
    opTimeoutMs: number,
    private readonly redis: RedisConnection | undefined,
  ) {
    this.backend = redis ? 'redis' : 'memory';
    this.deadlines = new OpDeadlines(opTimeoutMs, 'cache operation timed out');
    const store = redis
      ? new KeyvRedis(redis.client, { throwOnErrors: true, throwOnConnectError: true })
      : new KeyvCacheableMemory({ lruSize: 50_000 }); // bounded: least recently used entries go first
    // Plain JSON for Redis (Keyv's default serializer, which revives Buffers, was ~12% of the
    // CPU of a cached read); none at all in memory, where cached pages are never mutated.
    const keyv = new Keyv({
      store,
      namespace: 'taskboard',
      throwOnErrors: true,
      serialize: redis ? JSON.stringify : undefined,
      deserialize: redis ? JSON.parse : undefined,
    });
    keyv.on('error', () => undefined); // Counted where the operation fails; never an unhandled event.
    this.cache = createCache({ stores: [keyv] });
    metrics.cacheUp.set({ backend: this.backend }, 1);
  }

  /** True while the backend is reachable (always for the in-process cache). */
  get healthy(): boolean {
    if (!this.redis) return true;
    return this.redis.ready && Date.now() - this.failedAt > BACKOFF_MS;
  }

  async get<T>(name: CacheName, key: string): Promise<T | undefined> {
    if (!this.healthy) return this.skipped(name);
    try {
      // cache-manager swallows store errors on get; read through the store to see them.
      const value = await this.deadlines.within(this.cache.stores[0]!.get<T>(key));
      this.ok();
      this.metrics.cacheOps.inc({ cache: name, result: value === undefined ? 'miss' : 'hit' });
      return value;
    } catch {
      return this.failed(name);
    }
  }

  async set(name: CacheName, key: string, value: unknown, ttlMs: number): Promise<boolean> {
    if (!this.healthy) return this.skipped(name) ?? false;
    try {
      await this.deadlines.within(this.cache.set(key, value, ttlMs));
      this.ok();
      this.metrics.cacheOps.inc({ cache: name, result: 'write' });
      return true;
    } catch {
      this.failed(name);
      return false;
    }
  }

  async del(name: CacheName, key: string): Promise<boolean> {
    if (!this.healthy) return this.skipped(name) ?? false;
    try {
      await this.deadlines.within(this.cache.del(key));
      this.ok();
      this.metrics.cacheOps.inc({ cache: name, result: 'invalidate' });
      return true;
    } catch {
      this.failed(name);
      return false;
    }
  }

  /**
   * Plain string values of several keys in one round trip (Redis MGET). `undefined` when the
   * cache is unavailable; the result counts as a hit only when every key was present.
   */
  async getStrings(name: CacheName, keys: string[]): Promise<(string | undefined)[] | undefined> {
    if (!this.healthy) return this.skipped(name);
    try {
      const values = this.redis
        ? (await this.deadlines.within(this.redis.client.mGet(keys.map((k) => STRING_PREFIX + k)))).map(
            (v) => v ?? undefined,
          )
        : keys.map((k) => this.strings.get<string>(k));
      this.ok();
      this.metrics.cacheOps.inc({ cache: name, result: values.includes(undefined) ? 'miss' : 'hit' });
      return values;
    } catch {
      return this.failed(name);
    }
  }

  /** Writes a string value unconditionally (overwrites). False if the cache could not record it. */
  async setString(name: CacheName, key: string, value: string, ttlMs: number): Promise<boolean> {
    if (!this.healthy) return this.skipped(name) ?? false;
    try {
      if (this.redis)
        await this.deadlines.within(this.redis.client.set(STRING_PREFIX + key, value, { PX: ttlMs }));
      else this.strings.set(key, value, ttlMs);
      this.ok();
      this.metrics.cacheOps.inc({ cache: name, result: 'write' });
      return true;
    } catch {
      this.failed(name);
      return false;
    }
  }

  /** Writes a string value only if the key is absent (Redis `SET NX PX`): never overwrites. `ttlMs` 0: no expiry. */
  async setIfAbsent(name: CacheName, key: string, value: string, ttlMs: number): Promise<SetIfAbsentResult> {
    if (!this.healthy) {
      this.skipped(name);
      return 'failed';
    }
    try {
      let written: boolean;
      if (this.redis) {
        const reply = await this.deadlines.within(
          this.redis.client.set(
            STRING_PREFIX + key,
            value,
            ttlMs > 0 ? { NX: true, PX: ttlMs } : { NX: true },
          ),
        );
        written = reply === 'OK';
      } else {
        written = !this.strings.has(key);
        if (written) this.strings.set(key, value, ttlMs > 0 ? ttlMs : undefined);
      }
      this.ok();
      this.metrics.cacheOps.inc({ cache: name, result: written ? 'write' : 'hit' });
      return written ? 'written' : 'exists';
    } catch {
      this.failed(name);
      return 'failed';
    }
  }

  /** An operation failed or timed out: back off for a while. */
  private failed(name: CacheName): undefined {
    this.failedAt = Date.now();
    return this.skipped(name);
  }

  /** Not attempted while backing off or disconnected; still an error, as the caller goes uncached. */
  private skipped(name: CacheName): undefined {
    this.metrics.cacheOps.inc({ cache: name, result: 'error' });
    this.metrics.cacheUp.set({ backend: this.backend }, 0);
    return undefined;
  }

  private ok(): void {
    this.metrics.cacheUp.set({ backend: this.backend }, 1);
  }
}
