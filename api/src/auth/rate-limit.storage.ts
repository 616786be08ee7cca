import type { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { OpDeadlines } from '../redis/op-deadlines';
import type { RedisConnection } from '../redis/redis-connection';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

// Fixed window counter: one round trip, atomic across replicas.
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { hits, redis.call('PTTL', KEYS[1]) }`;

/**
 * Rate-limit counters shared by every replica through Redis when it is configured. While
 * Redis is unreachable each replica counts on its own (still limiting, per replica) rather
 * than failing logins.
 */
export class SharedRateLimitStorage implements ThrottlerStorage {
  private readonly local = new ThrottlerStorageService();
  private readonly deadlines: OpDeadlines;

  constructor(
    private readonly redis: RedisConnection | undefined,
    opTimeoutMs: number,
  ) {
    this.deadlines = new OpDeadlines(opTimeoutMs, 'rate limit counter timed out');
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    name: string,
  ): Promise<ThrottlerStorageRecord> {
    if (this.redis?.ready) {
      try {
        const reply = (await this.deadlines.within(
          this.redis.client.eval(INCREMENT, { keys: [`taskboard:rl:${key}`], arguments: [String(ttl)] }),
        )) as [number, number];
        const [hits, pttl] = reply;
        const seconds = Math.max(1, Math.ceil(pttl / 1000));
        return {
          totalHits: hits,
          timeToExpire: seconds,
          isBlocked: hits > limit,
          timeToBlockExpire: seconds,
        };
      } catch {
        // Fall through to the local counter.
      }
    }
    return this.local.increment(key, ttl, limit, blockDuration, name);
  }

  onApplicationShutdown(): void {
    this.local.onApplicationShutdown();
  }
}
