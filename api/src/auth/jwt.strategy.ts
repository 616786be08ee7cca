import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { inSpan } from '../tracing/tracing';
import { accessClaims } from './access-claims';
import { SessionState } from './session-state';

export interface AuthUser {
  id: string;
  sessionId: string;
}

/**
 * Access tokens: HS256 only (an `alg: none` or RS/HS confusion token fails), our issuer and
 * audience only, unexpired, with the claims we issue (see accessClaims), and their session not
 * revoked (checked on every request so
 * logout is immediate).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly maxLifetimeSeconds: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly sessions: SessionState,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // jsonwebtoken takes a KeyObject; @types/passport-jwt only knows string | Buffer.
      secretOrKey: signingKey(config.auth.jwtSecret) as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      ignoreExpiration: false,
    });
    this.maxLifetimeSeconds = config.auth.accessTtlSeconds;
  }

  async validate(payload: unknown): Promise<AuthUser> {
    const claims = accessClaims(payload, this.maxLifetimeSeconds);
    if (!claims) throw new UnauthorizedException();
    const active = await inSpan('auth session check', {}, () =>
      this.sessions.isActive(claims.sid, claims.sub),
    );
    if (!active) throw new UnauthorizedException('Session ended');
    return { id: claims.sub, sessionId: claims.sid };
  }
}

const keys = new Map<string, KeyObject>();
/**
 * The HMAC key as a KeyObject: given a string, jsonwebtoken first tries to parse it as a PEM
 * public key on every call, which cost ~30% of the CPU of an authenticated request.
 */
export function signingKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}
