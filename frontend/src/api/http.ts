import type { ApiError } from '@taskboard/contracts';
import { reportProblem, reportReachable } from '../shared/connectivity';
import { newTraceparent } from './trace-context';

/** The API answered with an error status; `fields` carries its per-field validation messages. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError | undefined,
  ) {
    super(body?.message ?? `Request failed with status ${status}`);
    this.name = 'ApiRequestError';
  }

  get fields(): Record<string, string[]> {
    return this.body?.fields ?? {};
  }
}

/** The request never got an answer: the API is down or the network is gone. */
export class NetworkError extends Error {
  constructor() {
    super('The server cannot be reached');
    this.name = 'NetworkError';
  }
}

/** How the client reaches the session, bound by the auth store (it owns the access token). */
export interface SessionBinding {
  token(): string | null;
  /** Gets a new access token through the refresh cookie; false when the session is over. */
  refresh(): Promise<boolean>;
  /** The session could not be renewed: the user must log in again. */
  expired(): void;
}

let session: SessionBinding | undefined;

export function bindSession(binding: SessionBinding | undefined): void {
  session = binding;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Send the bearer token and renew it once on 401 (every call except the auth endpoints). */
  auth?: boolean;
  /** A token to send without the renew-on-401 dance (logout ends a session even if it expired). */
  bearer?: string | null;
}

async function send(
  method: string,
  url: string,
  body: unknown,
  token: string | null,
  traceparent: string,
): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', traceparent };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    // Same origin, so the httpOnly refresh cookie rides along to /api/auth/* and nowhere else.
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    reportProblem('network');
    throw new NetworkError();
  }
  if (res.status >= 500) reportProblem('server');
  else reportReachable();
  return res;
}

async function errorFrom(res: Response): Promise<ApiRequestError> {
  let body: ApiError | undefined;
  try {
    body = (await res.json()) as ApiError;
  } catch {
    body = undefined;
  }
  return new ApiRequestError(res.status, body);
}

/**
 * One JSON call to the API. An expired access token is renewed transparently, once: a second
 * 401 (or a failed renewal) ends the session instead of looping.
 */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const auth = options.auth ?? true;
  const query = Object.entries(options.query ?? {}).filter(([, v]) => v !== undefined && v !== '');
  const url = query.length ? `${path}?${new URLSearchParams(query.map(([k, v]) => [k, String(v)]))}` : path;

  // One trace per call: its retry after a token renewal is part of the same user action.
  const traceparent = newTraceparent();
  let res = await send(
    method,
    url,
    options.body,
    auth ? (session?.token() ?? null) : (options.bearer ?? null),
    traceparent,
  );
  if (res.status === 401 && auth && session) {
    const renewed = await session.refresh();
    if (renewed) res = await send(method, url, options.body, session.token(), traceparent);
    if (!renewed || res.status === 401) {
      session.expired();
      throw await errorFrom(res);
    }
  }
  if (!res.ok) throw await errorFrom(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
