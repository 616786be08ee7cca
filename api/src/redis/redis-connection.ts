import { createClient, type RedisClientType } from '@keyv/redis';
import type { Logger } from 'pino';

/**
 * One Redis client for the cache and the rate limiter. It never blocks a request on Redis:
 * the offline queue is disabled (commands fail at once while disconnected) and it keeps
 * reconnecting in the background, so Redis coming back is picked up without a restart.
 */
export class RedisConnection {
  readonly client: RedisClientType;
  private closing = false;

  constructor(url: string, log: Logger, connectTimeoutMs: number) {
    this.client = createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: connectTimeoutMs,
        reconnectStrategy: (retries: number) => (this.closing ? false : Math.min(50 * 2 ** retries, 2000)),
      },
    }) as RedisClientType;
    let lastLogged = 0;
    this.client.on('error', (err: Error) => {
      // Logged at most every 10 s: a down Redis would otherwise flood the log with retries.
      const now = Date.now();
      if (now - lastLogged > 10_000) {
        lastLogged = now;
        log.warn({ err: err.message }, 'redis unavailable; serving without cache until it returns');
      }
    });
    this.client.on('ready', () => log.info('redis connected'));
  }

  get ready(): boolean {
    return this.client.isReady;
  }

  /** Starts connecting without waiting: the app boots (and serves uncached) while Redis is down. */
  start(): void {
    this.client.connect().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.client.isOpen) await this.client.close().catch(() => this.client.destroy());
    else this.client.destroy();
  }
}
