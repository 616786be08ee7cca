import { API_PATHS, type AuthResponse, type PublicUser } from '@taskboard/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiRequestError, request } from '../api/http';

/**
 * Not a credential: a flag that a refresh cookie was issued, so a visitor who never logged in
 * does not pay for (and log) a refresh call that can only answer 401.
 */
const SESSION_HINT = 'taskboard.session';

export type SessionEnd = 'expired' | 'logout' | null;

/** Whether this browser was given a session: the page can then fetch the board's code early. */
export const sessionExpected = (): boolean => localStorage.getItem(SESSION_HINT) !== null;

export const useAuthStore = defineStore('auth', () => {
  const user = ref<PublicUser | null>(null);
  /** The access token lives in memory only; a reload renews it through the httpOnly cookie. */
  let accessToken: string | null = null;
  const ended = ref<SessionEnd>(null);
  let restoring: Promise<void> | null = null;
  let refreshing: Promise<boolean> | null = null;

  const isAuthenticated = computed(() => user.value !== null);

  function start(res: AuthResponse): void {
    accessToken = res.accessToken;
    user.value = res.user;
    ended.value = null;
    localStorage.setItem(SESSION_HINT, '1');
  }

  function clear(reason: SessionEnd): void {
    accessToken = null;
    user.value = null;
    ended.value = reason;
    localStorage.removeItem(SESSION_HINT);
  }

  async function login(email: string, password: string): Promise<void> {
    start(await request<AuthResponse>('POST', API_PATHS.login, { body: { email, password }, auth: false }));
  }

  async function register(email: string, password: string): Promise<void> {
    start(
      await request<AuthResponse>('POST', API_PATHS.register, { body: { email, password }, auth: false }),
    );
  }

  /** Single flight: parallel 401s share one refresh (a second one would trip reuse detection). */
  function refresh(): Promise<boolean> {
    refreshing ??= (async () => {
      try {
        start(await request<AuthResponse>('POST', API_PATHS.refresh, { auth: false }));
        return true;
      } catch (err) {
        if (err instanceof ApiRequestError && (err.status === 401 || err.status === 403)) {
          clear(user.value ? 'expired' : null);
          return false;
        }
        // Unreachable API: the session may still be valid, so keep the hint and report failure.
        throw err;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  /** Once per page load: a reload keeps the user logged in through the refresh cookie. */
  function restore(): Promise<void> {
    restoring ??= (async () => {
      if (!sessionExpected()) return;
      try {
        await refresh();
      } catch {
        // API unreachable at load: the banner says so; the user can retry from the login page.
        restoring = null;
      }
    })();
    return restoring;
  }

  async function logout(): Promise<void> {
    const token = accessToken;
    clear('logout');
    try {
      await request<void>('POST', API_PATHS.logout, { auth: false, bearer: token });
    } catch {
      // The local session is gone either way; the server one expires on its own.
    }
  }

  return {
    user,
    ended,
    isAuthenticated,
    token: () => accessToken,
    login,
    register,
    refresh,
    restore,
    logout,
    clear,
  };
});
