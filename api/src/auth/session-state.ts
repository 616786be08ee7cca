import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppCache } from '../cache/app-cache';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { AppMetrics } from '../metrics/app-metrics';
import { SessionEntity } from './session.entity';

const REVOKED = 'revoked';
const EPOCH_KEY = 'sess-epoch';
/**
 * The epoch never expires: a new epoch orphans every positive entry at once (each session's next
 * check reads the database), which only a loss of the key (FLUSHDB, restart, eviction) should cost.
 */
const EPOCH_TTL_MS = 0;
/**
 * A database answer older than this is not cached. The revocation marker outlives a positive
 * entry's write by at least this much, so a slow "active" can never land after the marker expired.
 */
const MAX_FILL_MS = 30_000;

const sessionKey = (sessionId: string) => `sess:${sessionId}`;
/** A positive entry names the session's owner and the cache epoch it was filled in. */
const activeValue = (userId: string, epoch: string) => `active:${userId}:${epoch}`;

/**
 * Answers "is this session still valid for this user?" on every authenticated request, so
 * logout and reuse detection take effect immediately rather than when the access token
 * expires. The database is the truth; the cache only spares it the lookup (one round trip on a
 * hit: the session entry and the epoch, read together).
 *
 * Why a stale "active" can never overwrite a revocation:
 * - "active" is only written if the key is absent (SET NX); "revoked" is written unconditionally,
 *   with a TTL longer than any access token lives, so it outlives every positive entry.
 * - A positive entry is only trusted in the epoch it was filled in. The epoch key is read before
 *   the database is, and replaced when lost (FLUSHDB, Redis restart, eviction), so an "active"
 *   read from the database before the loss and written after it is never believed.
 * - A positive entry names the user: a token naming another user with this session id is refused.
 */
@Injectable()
export class SessionState {
  private readonly positiveTtlMs: number;
  private readonly revokedTtlMs: number;
  /** Revocations the cache could not record yet (Redis down): honoured locally, replayed on recovery. */
  private readonly pending = new Set<string>();

  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    private readonly cache: AppCache,
    private readonly metrics: AppMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // Short TTL bounds how long a positive entry can outlive a revocation the cache missed (Redis down).
    this.positiveTtlMs = Math.min(60, config.auth.accessTtlSeconds) * 1000;
    this.revokedTtlMs = config.auth.accessTtlSeconds * 1000 + 2 * MAX_FILL_MS;
  }

  async isActive(sessionId: string, userId: string): Promise<boolean> {
    if (this.pending.size > 0) await this.replayPending();
    if (this.pending.has(sessionId)) return false;
    const key = sessionKey(sessionId);
    const [cached, epoch] = (await this.cache.getStrings('sessions', [key, EPOCH_KEY])) ?? [];
    if (cached === REVOKED) return false;
    if (epoch !== undefined && cached === activeValue(userId, epoch)) return true;
    // A miss, an entry from another epoch, or one naming another user: ask the database.
    const fillEpoch = epoch ?? (await this.newEpoch());
    const started = Date.now();
    const row = await this.metrics.timeDb('sessions.state', () =>
      this.sessions.findOne({
        where: { id: sessionId },
        select: { id: true, userId: true, revokedAt: true, expiresAt: true },
      }),
    );
    if (!row) return false;
    if (row.revokedAt || row.expiresAt <= new Date()) {
      await this.cache.setString('sessions', key, REVOKED, this.revokedTtlMs);
      return false;
    }
    if (fillEpoch !== undefined && Date.now() - started < MAX_FILL_MS) {
      await this.cache.setIfAbsent('sessions', key, activeValue(row.userId, fillEpoch), this.positiveTtlMs);
    }
    return row.userId === userId;
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
    if (!(await this.cache.setString('sessions', sessionKey(sessionId), REVOKED, this.revokedTtlMs)))
      this.pending.add(sessionId);
  }

  /**
   * Starts a new epoch when the key is absent. Only a freshly created epoch (or the one a
   * concurrent request just created) may be filled in: `undefined` means "do not cache".
   */
  private async newEpoch(): Promise<string | undefined> {
    const fresh = randomUUID();
    const result = await this.cache.setIfAbsent('sessions', EPOCH_KEY, fresh, EPOCH_TTL_MS);
    return result === 'written' ? fresh : undefined;
  }

  private async replayPending(): Promise<void> {
    if (!this.cache.healthy) return;
    for (const id of this.pending) {
      if (await this.cache.setString('sessions', sessionKey(id), REVOKED, this.revokedTtlMs))
        this.pending.delete(id);
    }
  }
}
