import { applyDecorators } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, type ApiOperationOptions, ApiResponse } from '@nestjs/swagger';
import { REFRESH_COOKIE } from '@taskboard/contracts';
import { ApiErrorDoc } from './openapi.dto';

/*
 * The error statuses every route family really answers, written once so that each operation
 * documents them the same way (the conformance test fails on any status the document lacks).
 */

/** Security scheme names, shared by the document builder and the operations that use them. */
export const BEARER_SCHEME = 'bearer';
export const REFRESH_COOKIE_SCHEME = 'refreshCookie';

const retryAfter = (description: string) => ({
  'Retry-After': { description, required: true, schema: { type: 'integer', minimum: 1 } },
});

const setCookie = (description: string, pattern: string) => ({
  'Set-Cookie': { description, required: true, schema: { type: 'string', pattern } },
});

/** An operation that needs no credentials (`security: []`). */
export const ApiPublicOperation = (options: ApiOperationOptions) =>
  ApiOperation({ ...options, security: [] });

/** 400: the input (body, query or id) breaks a documented rule. */
export const ApiInvalidInput = (description = 'Invalid input; `fields` names what is wrong') =>
  ApiResponse({ status: 400, type: ApiErrorDoc, description });

/**
 * 413 and 415 come from Fastify's body parsing, before any handler: every route of a method
 * that carries a body (POST, PATCH, DELETE) answers them, even one that takes no body.
 */
export const ApiBodyRefusals = () =>
  applyDecorators(
    ApiResponse({ status: 413, type: ApiErrorDoc, description: 'Body larger than the limit' }),
    ApiResponse({ status: 415, type: ApiErrorDoc, description: 'A body that is not application/json' }),
  );

export const ApiUnauthenticated = (description = 'Missing, invalid, expired or revoked access token') =>
  ApiResponse({ status: 401, type: ApiErrorDoc, description });

/** 503 with Retry-After: every route that reads or writes the database while it is unreachable. */
export const ApiDatabaseUnavailable = () =>
  ApiResponse({
    status: 503,
    type: ApiErrorDoc,
    description: 'Database unreachable; retry after Retry-After',
    headers: retryAfter('Seconds to wait before retrying'),
  });

export const ApiRateLimited = (description: string) =>
  ApiResponse({
    status: 429,
    type: ApiErrorDoc,
    description,
    headers: retryAfter('Seconds until this client may try again'),
  });

/** The refresh token travels only in this httpOnly cookie, scoped to the auth routes. */
export const ApiSetsRefreshCookie = (status: number, type: ApiResponseType, description: string) =>
  ApiResponse({
    status,
    type,
    description,
    headers: setCookie(
      `${REFRESH_COOKIE.name}=<refresh token>; Path=${REFRESH_COOKIE.path}; HttpOnly; SameSite=Strict; Expires=<date>`,
      `^${REFRESH_COOKIE.name}=[^;]+;.*HttpOnly`,
    ),
  });

/** Logout and a refused refresh expire the cookie (an empty value with a date in the past). */
export const ApiClearsRefreshCookie = (status: number, description: string, type?: ApiResponseType) =>
  ApiResponse({
    status,
    ...(type ? { type } : {}),
    description,
    headers: setCookie(
      `${REFRESH_COOKIE.name}=; Path=${REFRESH_COOKIE.path}; Expires=<a past date>`,
      `^${REFRESH_COOKIE.name}=;`,
    ),
  });

export const ApiRefreshCookieAuth = () => ApiCookieAuth(REFRESH_COOKIE_SCHEME);

// biome-ignore lint/complexity/noBannedTypes: a response class, as @ApiResponse takes it.
type ApiResponseType = Function;
