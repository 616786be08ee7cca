import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppCache } from '../cache/app-cache';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { AppMetrics } from '../metrics/app-metrics';
import { SessionEntity } from './session.entity';

type State = 'active' | 'revoked';

/**
 * Answers "is this session still valid?" for every authenticated request, so logout and
 * reuse detection take effect immediately rather than when the access token expires. The
 * database is the truth; the cache only spares it the lookup. A cache miss or outage falls
 * back to the database.
 */
@Injectable()
export class SessionState {
  private readonly ttlMs: number;
  /** Revocations the cache could not record yet (Redis down): honoured locally, replayed on recovery. */
  private readonly pending = new Set<string>();

  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    private readonly cache: AppCache,
    private readonly metrics: AppMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // Short TTL bounds how long a stale "active" entry can outlive a revocation the cache missed.
    this.ttlMs = Math.min(60, config.auth.accessTtlSeconds) * 1000;
  }

  async isActive(sessionId: string, userId: string): Promise<boolean> {
    if (this.pending.size > 0) await this.replayPending();
    if (this.pending.has(sessionId)) return false;
    const key = `session:${sessionId}`;
    const cached = await this.cache.get<State>('sessions', key);
    if (cached) return cached === 'active';
    const row = await this.metrics.timeDb('sessions.state', () =>
      this.sessions.findOne({
        where: { id: sessionId, userId },
        select: { id: true, revokedAt: true, expiresAt: true },
      }),
    );
    const state: State = row && !row.revokedAt && row.expiresAt > new Date() ? 'active' : 'revoked';
    await this.cache.set('sessions', key, state, this.ttlMs);
    return state === 'active';
  }

  /** Revokes in the database first (the truth), then marks the cache; a cache failure leaves it to the DB check. */
  async revoke(sessionId: string): Promise<void> {
    await this.metrics.timeDb('sessions.revoke', () =>
      this.sessions
        .createQueryBuilder()
        .update()
        .set({ revokedAt: () => 'now()' })
        .where('id = :id AND revoked_at IS NULL', { id: sessionId })
        .execute(),
    );
    const ok = await this.cache.set('sessions', `session:${sessionId}`, 'revoked', this.ttlMs);
    if (!ok) this.pending.add(sessionId);
  }

  private async replayPending(): Promise<void> {
    if (!this.cache.healthy) return;
    for (const id of this.pending) {
      if (await this.cache.set('sessions', `session:${id}`, 'revoked', this.ttlMs)) this.pending.delete(id);
    }
  }
}
