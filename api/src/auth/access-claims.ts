import type { AccessClaims } from './auth.service';
import { UUID } from './tokens';

/** Replicas' clocks may differ this much: an `iat` further ahead than that is refused. */
export const CLOCK_SKEW_SECONDS = 5;

/**
 * The claims of a verified access token (signature, algorithm, issuer, audience and expiry
 * already checked by jsonwebtoken), or undefined when they are not ones we issue: `sub` and
 * `sid` must be UUIDs in the form we write them, and `iat`/`exp` must both be present, `iat`
 * not in the future, and the lifetime no longer than JWT_ACCESS_TTL_SECONDS, so a token minted
 * with the key but outside our rules is refused.
 */
export function accessClaims(
  payload: unknown,
  maxLifetimeSeconds: number,
  nowSeconds = Date.now() / 1000,
): AccessClaims | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { sub, sid, iat, exp } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || !UUID.test(sub)) return undefined;
  if (typeof sid !== 'string' || !UUID.test(sid)) return undefined;
  if (typeof iat !== 'number' || typeof exp !== 'number') return undefined;
  if (!Number.isFinite(iat) || !Number.isFinite(exp)) return undefined;
  if (iat > nowSeconds + CLOCK_SKEW_SECONDS) return undefined;
  if (exp <= iat || exp - iat > maxLifetimeSeconds) return undefined;
  return { sub, sid };
}
