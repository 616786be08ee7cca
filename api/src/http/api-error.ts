import { STATUS_CODES } from 'node:http';
import type { ApiError } from '@taskboard/contracts';

export function apiError(
  statusCode: number,
  message: string,
  fields?: Record<string, string[]>,
  requestId?: string,
): ApiError {
  return {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    ...(fields ? { fields } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/**
 * True for errors that mean "the database cannot be reached right now" rather than "this
 * query is wrong": refused or dropped connections, pool connect timeouts, statement or
 * client query timeouts, and server shutdown/startup states (SQLSTATE 57P0x, class 08).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: string; driverError?: unknown };
  if (e.driverError && e.driverError !== err && isDatabaseUnavailable(e.driverError)) return true;
  const code = e.code ?? '';
  if (UNAVAILABLE_CODES.has(code) || code === '57014' || code.startsWith('57P') || code.startsWith('08'))
    return true;
  return /timeout exceeded when trying to connect|Connection terminated|Query read timeout|connect ECONNREFUSED|Client has encountered a connection error/i.test(
    e.message,
  );
}
