/**
 * What the SPA and the servers that deliver it share: the RUM report shape and its limits, and
 * the security headers that both the API (local mode) and the nginx image (cluster) send, so a
 * test can prove the two stay identical.
 */
import type { FrontendErrorKind, SpaPage, WebVital } from './metrics';

/** Anonymous, rate-limited per client; answers 204. */
export const RUM_PATH = '/api/rum';

export const RUM_LIMITS = {
  /** Larger bodies are refused with 413 before they are parsed. */
  maxBodyBytes: 8 * 1024,
  maxVitalsPerReport: 10,
  maxErrorsPerReport: 10,
  maxErrorMessage: 300,
  /** Largest timing accepted, in milliseconds (a tab left in the background can report minutes). */
  maxTimingMs: 600_000,
  maxCls: 100,
} as const;

export interface RumVital {
  name: WebVital;
  /** Milliseconds for timings, unitless for CLS (as the web-vitals library reports them). */
  value: number;
}

export interface RumError {
  kind: FrontendErrorKind;
  /** Logged (truncated) by the API, never used as a label. */
  message?: string;
}

export interface RumReport {
  route: SpaPage;
  vitals?: RumVital[];
  errors?: RumError[];
}

/**
 * Strict CSP: no inline script or style, no third parties, no framing. The SPA's build emits
 * only same-origin files, so nothing legitimate is blocked.
 */
export const SPA_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SPA_SECURITY_HEADERS = {
  'content-security-policy': SPA_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
} as const;

/** Cache-Control for the SPA's files: hashed assets never change; index.html must always revalidate. */
export const SPA_CACHE_CONTROL = {
  hashedAsset: 'public, max-age=31536000, immutable',
  index: 'no-cache',
  other: 'public, max-age=3600',
} as const;

/** Vite writes content-hashed files here. */
export const SPA_ASSETS_DIR = 'assets';
