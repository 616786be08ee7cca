import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockFetch, session } from '../shared/fetch-mock';
import { useAuthStore } from './auth.store';

beforeEach(() => {
  setActivePinia(createPinia());
  localStorage.clear();
});

describe('auth store', () => {
  it('keeps the access token in memory only and marks that a session exists', async () => {
    mockFetch({ 'POST /api/auth/login': { status: 200, body: session() } });
    const auth = useAuthStore();
    await auth.login('ada@example.com', 'long enough');
    expect(auth.user?.email).toBe('ada@example.com');
    expect(auth.token()).toBe('token-ada@example.com');
    const stored = JSON.stringify({ ...localStorage });
    expect(stored).not.toContain('token-');
  });

  it('does not call refresh on load for a visitor who never logged in', async () => {
    const { fetch } = mockFetch({});
    const auth = useAuthStore();
    await auth.restore();
    expect(fetch).not.toHaveBeenCalled();
    expect(auth.isAuthenticated).toBe(false);
  });

  it('restores the session after a reload through the refresh cookie', async () => {
    localStorage.setItem('taskboard.session', '1');
    const { calls } = mockFetch({ 'POST /api/auth/refresh': { status: 200, body: session() } });
    const auth = useAuthStore();
    await auth.restore();
    await auth.restore(); // once per page load
    expect(calls).toHaveLength(1);
    expect(auth.isAuthenticated).toBe(true);
  });

  it('treats a refused refresh cookie as logged out and forgets the hint', async () => {
    localStorage.setItem('taskboard.session', '1');
    mockFetch({ 'POST /api/auth/refresh': { status: 401 } });
    const auth = useAuthStore();
    await auth.restore();
    expect(auth.isAuthenticated).toBe(false);
    expect(localStorage.getItem('taskboard.session')).toBeNull();
  });

  it('shares one refresh between concurrent callers (a second would look like token reuse)', async () => {
    const { calls } = mockFetch({ 'POST /api/auth/refresh': { status: 200, body: session() } });
    const auth = useAuthStore();
    const results = await Promise.all([auth.refresh(), auth.refresh(), auth.refresh()]);
    expect(results).toEqual([true, true, true]);
    expect(calls).toHaveLength(1);
  });

  it('marks the session expired when a logged-in user’s refresh is refused', async () => {
    mockFetch({
      'POST /api/auth/login': { status: 200, body: session() },
      'POST /api/auth/refresh': { status: 401 },
    });
    const auth = useAuthStore();
    await auth.login('ada@example.com', 'long enough');
    expect(await auth.refresh()).toBe(false);
    expect(auth.ended).toBe('expired');
    expect(auth.token()).toBeNull();
  });

  it('logs out with the bearer token and clears local state even if the API is down', async () => {
    const { calls } = mockFetch({
      'POST /api/auth/login': { status: 200, body: session() },
      'POST /api/auth/logout': 'network-error',
    });
    const auth = useAuthStore();
    await auth.login('ada@example.com', 'long enough');
    await auth.logout();
    expect(calls[1]?.headers.authorization).toBe('Bearer token-ada@example.com');
    expect(auth.isAuthenticated).toBe(false);
    expect(localStorage.getItem('taskboard.session')).toBeNull();
  });
});
