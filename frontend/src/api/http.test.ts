import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectivity } from '../shared/connectivity';
import { mockFetch } from '../shared/fetch-mock';
import { ApiRequestError, bindSession, NetworkError, request } from './http';

function sessionWith(token: string, refreshed: string | null) {
  let current = token;
  const binding = {
    token: () => current,
    refresh: vi.fn(async () => {
      if (refreshed === null) return false;
      current = refreshed;
      return true;
    }),
    expired: vi.fn(),
  };
  bindSession(binding);
  return binding;
}

afterEach(() => {
  bindSession(undefined);
  connectivity.problem = null;
});

describe('request', () => {
  it('sends the bearer token and JSON, and builds the query string without empty values', async () => {
    sessionWith('t1', null);
    const { calls } = mockFetch({ 'POST /api/tasks': { status: 201, body: { id: 'x' } } });
    await request('POST', '/api/tasks', { body: { title: 'a' }, query: { a: 1, b: '', c: undefined } });
    expect(calls[0]).toMatchObject({
      path: '/api/tasks?a=1',
      headers: { authorization: 'Bearer t1', 'content-type': 'application/json' },
      body: { title: 'a' },
    });
  });

  it('renews an expired access token once and retries transparently', async () => {
    const s = sessionWith('old', 'new');
    const { calls } = mockFetch({
      'GET /api/tasks': [{ status: 401 }, { status: 200, body: { items: [] } }],
    });
    await expect(request('GET', '/api/tasks')).resolves.toEqual({ items: [] });
    expect(s.refresh).toHaveBeenCalledTimes(1);
    expect(calls.map((c) => c.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
    expect(s.expired).not.toHaveBeenCalled();
    // The retry belongs to the same user action: one trace.
    expect(calls[0]!.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(calls[1]!.headers.traceparent).toBe(calls[0]!.headers.traceparent);
  });

  it('starts a new trace for every call', async () => {
    sessionWith('t1', null);
    const { calls } = mockFetch({ 'GET /api/tasks': { status: 200, body: { items: [] } } });
    await request('GET', '/api/tasks');
    await request('GET', '/api/tasks');
    expect(calls[0]!.headers.traceparent).not.toBe(calls[1]!.headers.traceparent);
  });

  it('ends the session when the renewed token is refused too (no loop)', async () => {
    const s = sessionWith('old', 'new');
    const { calls } = mockFetch({
      'GET /api/tasks': { status: 401, body: { statusCode: 401, message: 'no' } },
    });
    await expect(request('GET', '/api/tasks')).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(2);
    expect(s.refresh).toHaveBeenCalledTimes(1);
    expect(s.expired).toHaveBeenCalledTimes(1);
  });

  it('ends the session when the refresh cookie is no longer valid', async () => {
    const s = sessionWith('old', null);
    mockFetch({ 'GET /api/tasks': { status: 401 } });
    await expect(request('GET', '/api/tasks')).rejects.toBeInstanceOf(ApiRequestError);
    expect(s.expired).toHaveBeenCalledTimes(1);
  });

  it('does not renew on the auth endpoints themselves', async () => {
    const s = sessionWith('old', 'new');
    mockFetch({
      'POST /api/auth/login': {
        status: 401,
        body: { statusCode: 401, message: 'Invalid email or password' },
      },
    });
    await expect(request('POST', '/api/auth/login', { auth: false })).rejects.toThrow(
      'Invalid email or password',
    );
    expect(s.refresh).not.toHaveBeenCalled();
  });

  it('exposes per-field validation messages', async () => {
    mockFetch({
      'POST /api/tasks': {
        status: 400,
        body: { statusCode: 400, message: 'Validation failed', fields: { title: ['too long'] } },
      },
    });
    const err = (await request('POST', '/api/tasks', { auth: false }).catch((e) => e)) as ApiRequestError;
    expect(err.fields).toEqual({ title: ['too long'] });
  });

  it('reports an unreachable API and a 5xx to the connectivity state, and clears it on success', async () => {
    mockFetch({ 'GET /a': 'network-error' });
    await expect(request('GET', '/a', { auth: false })).rejects.toBeInstanceOf(NetworkError);
    expect(connectivity.problem).toBe('network');
    mockFetch({ 'GET /a': { status: 503, body: { statusCode: 503, message: 'down' } } });
    await expect(request('GET', '/a', { auth: false })).rejects.toMatchObject({ status: 503 });
    expect(connectivity.problem).toBe('server');
    mockFetch({ 'GET /a': { status: 204 } });
    await expect(request('GET', '/a', { auth: false })).resolves.toBeUndefined();
    expect(connectivity.problem).toBeNull();
  });
});
