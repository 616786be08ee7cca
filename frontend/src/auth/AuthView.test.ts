import { PASSWORD_LIMITS } from '@taskboard/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory } from 'vue-router';
import App from '../App.vue';
import { createAppRouter } from '../router';
import { mockFetch, session } from '../shared/fetch-mock';
import { useAuthStore } from './auth.store';

beforeEach(() => {
  setActivePinia(createPinia());
  localStorage.clear();
});

async function mountAt(path: string) {
  const router = createAppRouter(createMemoryHistory());
  await router.push(path);
  const w = mount(App, { global: { plugins: [router] } });
  return { w, router };
}

async function fill(w: Awaited<ReturnType<typeof mountAt>>['w'], email: string, password: string) {
  await w.find('#auth-email').setValue(email);
  await w.find('#auth-password').setValue(password);
  await w.find('form').trigger('submit');
  await flushPromises();
}

describe('AuthView and the route guard', () => {
  it('sends a visitor from the board to login, then back to the page asked for', async () => {
    mockFetch({
      'POST /api/auth/login': { status: 200, body: session() },
      'GET /api/tasks': { status: 200, body: { items: [], nextCursor: null } },
    });
    const { w, router } = await mountAt('/?x=1');
    expect(router.currentRoute.value.name).toBe('login');
    expect(router.currentRoute.value.query.redirect).toBe('/?x=1');
    await fill(w, 'ada@example.com', 'long enough');
    // The board is a lazy route: navigation completes once its chunk has been imported.
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/?x=1'), { timeout: 15_000 });
  });

  it('validates email and password length before calling the API', async () => {
    const { fetch } = mockFetch({});
    const { w } = await mountAt('/register');
    await fill(w, 'not-an-email', 'short');
    expect(w.find('#auth-email-error').text()).toBe('Enter a valid email address');
    expect(w.find('#auth-password-error').text()).toBe(
      `Password must be ${PASSWORD_LIMITS.min}-${PASSWORD_LIMITS.max} characters`,
    );
    expect(fetch).not.toHaveBeenCalled();
  });

  it('says "invalid email or password" on 401 and stays on login', async () => {
    mockFetch({
      'POST /api/auth/login': {
        status: 401,
        body: { statusCode: 401, message: 'Invalid email or password' },
      },
    });
    const { w, router } = await mountAt('/login');
    await fill(w, 'ada@example.com', 'wrong password');
    expect(w.find('[data-test="form-error"]').text()).toBe('Invalid email or password.');
    expect(router.currentRoute.value.name).toBe('login');
  });

  it('puts a taken email next to the email field (409) and API field errors next to theirs', async () => {
    mockFetch({
      'POST /api/auth/register': [
        {
          status: 409,
          body: { statusCode: 409, message: 'Email already registered', fields: { email: ['taken'] } },
        },
        {
          status: 400,
          body: { statusCode: 400, message: 'Validation failed', fields: { password: ['too weak'] } },
        },
      ],
    });
    const { w } = await mountAt('/register');
    await fill(w, 'ada@example.com', 'long enough');
    expect(w.find('#auth-email-error').text()).toBe('An account with this email already exists');
    await fill(w, 'ada@example.com', 'long enough');
    expect(w.find('#auth-password-error').text()).toBe('too weak');
  });

  it('explains an expired session on the login page', async () => {
    mockFetch({});
    useAuthStore().clear('expired');
    const { w } = await mountAt('/login');
    expect(w.text()).toContain('Your session has expired');
  });

  it('sends a logged-in user away from login to the board, and shows not-found for unknown paths', async () => {
    mockFetch({
      'POST /api/auth/login': { status: 200, body: session() },
      'GET /api/tasks': { status: 200, body: { items: [], nextCursor: null } },
    });
    await useAuthStore().login('ada@example.com', 'long enough');
    const { router } = await mountAt('/login');
    expect(router.currentRoute.value.name).toBe('board');
    await router.push('/no/such/page');
    expect(router.currentRoute.value.name).toBe('not-found');
  });
});
