import { randomUUID } from 'node:crypto';
import { ConflictException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { AuthResponse, PublicUser } from '@taskboard/contracts';
import { hash, verify } from 'argon2';
import { DataSource, QueryFailedError, type Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { AppMetrics } from '../metrics/app-metrics';
import { UserEntity } from '../users/user.entity';
import { RefreshTokenEntity, SessionEntity } from './session.entity';
import { SessionState } from './session-state';
import { formatRefreshToken, newRefreshSecret, parseRefreshToken, secretMatches } from './tokens';

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): strong, and cheap enough to serve logins. */
const ARGON2_OPTIONS = { type: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export interface IssuedSession {
  body: AuthResponse;
  refreshToken: string;
  refreshExpiresAt: Date;
}

export interface AccessClaims {
  sub: string;
  sid: string;
}

@Injectable()
export class AuthService {
  /** Verified against when the email is unknown, so a miss costs what a wrong password costs. */
  private readonly dummyHash: Promise<string>;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly sessions: SessionState,
    private readonly metrics: AppMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.dummyHash = hash(randomUUID(), ARGON2_OPTIONS);
  }

  async register(email: string, password: string): Promise<IssuedSession> {
    const passwordHash = await hash(password, ARGON2_OPTIONS);
    let user: UserEntity;
    try {
      user = await this.metrics.timeDb('users.insert', () =>
        this.users.save(this.users.create({ email, passwordHash })),
      );
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { code?: string }).code === '23505') {
        this.metrics.authAttempts.inc({ action: 'register', result: 'failure' });
        throw new ConflictException({
          message: 'An account with this email already exists',
          fields: { email: ['is already registered'] },
        });
      }
      throw err;
    }
    this.metrics.authAttempts.inc({ action: 'register', result: 'success' });
    return this.startSession(user);
  }

  async login(email: string, password: string): Promise<IssuedSession> {
    const user = await this.metrics.timeDb('users.by_email', () =>
      this.users.findOne({
        where: { email },
        select: { id: true, email: true, passwordHash: true, createdAt: true },
      }),
    );
    const valid = user
      ? await verify(user.passwordHash, password)
      : await verify(await this.dummyHash, password).then(() => false);
    if (!user || !valid) {
      this.metrics.authAttempts.inc({ action: 'login', result: 'failure' });
      throw new UnauthorizedException('Invalid email or password');
    }
    this.metrics.authAttempts.inc({ action: 'login', result: 'success' });
    return this.startSession(user);
  }

  /**
   * Rotates a refresh token: the presented one is marked used and a new one issued in the same
   * session. Presenting a used token again within REFRESH_REUSE_GRACE_SECONDS of its first use is
   * a duplicate (two tabs, a retry after a lost response): it gets a new token of the same session
   * too. Presenting it later means it leaked: the whole session is revoked.
   */
  async refresh(presented: string | undefined): Promise<IssuedSession> {
    const parsed = parseRefreshToken(presented);
    const reject = (result: 'failure' | 'reuse_detected') => {
      this.metrics.authAttempts.inc({ action: 'refresh', result });
      return new UnauthorizedException('Invalid or expired refresh token');
    };
    if (!parsed) throw reject('failure');
    const outcome = await this.metrics.timeDb('sessions.rotate', () =>
      this.dataSource.transaction(async (tx) => {
        // The row lock serialises concurrent duplicates; the grace is judged on the database's
        // clock, so replicas with skewed clocks agree on it.
        const [token] = (await tx.query(
          `SELECT session_id AS "sessionId", token_hash AS "tokenHash", used_at IS NOT NULL AS used,
                  used_at > clock_timestamp() - make_interval(secs => $2) AS "withinGrace"
             FROM refresh_tokens WHERE id = $1 FOR UPDATE`,
          [parsed.id, this.config.auth.refreshReuseGraceSeconds],
        )) as { sessionId: string; tokenHash: Buffer; used: boolean; withinGrace: boolean | null }[];
        if (!token || !secretMatches(parsed.secret, token.tokenHash)) return { kind: 'invalid' as const };
        const session = await tx.findOne(SessionEntity, { where: { id: token.sessionId } });
        if (!session || session.revokedAt || session.expiresAt <= new Date())
          return { kind: 'invalid' as const };
        if (token.used && !token.withinGrace) return { kind: 'reused' as const, sessionId: session.id };
        // A duplicate keeps the first use's time, so the grace window never slides.
        if (!token.used)
          await tx.update(RefreshTokenEntity, { id: parsed.id }, { usedAt: () => 'clock_timestamp()' });
        const next = newRefreshSecret();
        const row = await tx.save(
          tx.create(RefreshTokenEntity, { sessionId: session.id, tokenHash: next.hash }),
        );
        const user = await tx.findOneOrFail(UserEntity, { where: { id: session.userId } });
        return {
          kind: 'rotated' as const,
          session,
          user,
          refreshToken: formatRefreshToken(row.id, next.secret),
        };
      }),
    );
    if (outcome.kind === 'invalid') throw reject('failure');
    if (outcome.kind === 'reused') {
      await this.sessions.revoke(outcome.sessionId);
      throw reject('reuse_detected');
    }
    this.metrics.authAttempts.inc({ action: 'refresh', result: 'success' });
    return {
      body: this.authBody(outcome.user, outcome.session.id),
      refreshToken: outcome.refreshToken,
      refreshExpiresAt: outcome.session.expiresAt,
    };
  }

  /** Revokes the session named by the refresh cookie, or else by the access token. Idempotent. */
  async logout(refreshToken: string | undefined, accessSessionId: string | undefined): Promise<void> {
    let sessionId = accessSessionId;
    const parsed = parseRefreshToken(refreshToken);
    if (parsed) {
      const token = await this.metrics.timeDb('sessions.by_token', () =>
        this.dataSource.getRepository(RefreshTokenEntity).findOne({ where: { id: parsed.id } }),
      );
      if (token && secretMatches(parsed.secret, token.tokenHash)) sessionId = token.sessionId;
    }
    if (sessionId) await this.sessions.revoke(sessionId);
    this.metrics.authAttempts.inc({ action: 'logout', result: 'success' });
  }

  async me(userId: string): Promise<PublicUser> {
    const user = await this.metrics.timeDb('users.by_id', () =>
      this.users.findOne({ where: { id: userId } }),
    );
    if (!user) throw new UnauthorizedException('Unknown user');
    return toPublicUser(user);
  }

  private async startSession(user: UserEntity): Promise<IssuedSession> {
    const expiresAt = new Date(Date.now() + this.config.auth.refreshTtlDays * 86_400_000);
    const next = newRefreshSecret();
    const { sessionId, tokenId } = await this.metrics.timeDb('sessions.create', () =>
      this.dataSource.transaction(async (tx) => {
        const session = await tx.save(tx.create(SessionEntity, { userId: user.id, expiresAt }));
        const token = await tx.save(
          tx.create(RefreshTokenEntity, { sessionId: session.id, tokenHash: next.hash }),
        );
        return { sessionId: session.id, tokenId: token.id };
      }),
    );
    return {
      body: this.authBody(user, sessionId),
      refreshToken: formatRefreshToken(tokenId, next.secret),
      refreshExpiresAt: expiresAt,
    };
  }

  private authBody(user: UserEntity, sessionId: string): AuthResponse {
    const claims: AccessClaims = { sub: user.id, sid: sessionId };
    const accessToken = this.jwt.sign(claims, { jwtid: randomUUID() });
    return { accessToken, expiresIn: this.config.auth.accessTtlSeconds, user: toPublicUser(user) };
  }
}

export function toPublicUser(user: UserEntity): PublicUser {
  return { id: user.id, email: user.email, createdAt: user.createdAt.toISOString() };
}
