import { SPA_PAGES } from '@taskboard/contracts';
import { createRouter, createWebHistory, type Router, type RouterHistory } from 'vue-router';
import AuthView from './auth/AuthView.vue';
import { useAuthStore } from './auth/auth.store';
import NotFoundView from './shared/NotFoundView.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** Only for a logged-in user; others are sent to login and brought back after. */
    requiresAuth?: boolean;
    /** Login and register: a logged-in user goes straight to the board. */
    guestOnly?: boolean;
  }
}

/**
 * The board is a lazy route: its chunk (board, task form, tasks store) is fetched only when a
 * logged-in user opens it, so the login page downloads only what login needs. main.ts calls
 * this early when a session is expected, so the chunk loads while the session is restored.
 */
export const loadBoard = () => import('./board/BoardView.vue');

/**
 * Route names are the contract's SPA page names: the RUM endpoint accepts exactly these as its
 * `route` label, so what the dashboards show maps one-to-one to these pages.
 */
export function createAppRouter(history: RouterHistory = createWebHistory()): Router {
  const router = createRouter({
    history,
    routes: [
      { path: '/', name: SPA_PAGES.board, component: loadBoard, meta: { requiresAuth: true } },
      {
        path: '/login',
        name: SPA_PAGES.login,
        component: AuthView,
        props: { mode: 'login' },
        meta: { guestOnly: true },
      },
      {
        path: '/register',
        name: SPA_PAGES.register,
        component: AuthView,
        props: { mode: 'register' },
        meta: { guestOnly: true },
      },
      { path: '/:pathMatch(.*)*', name: SPA_PAGES.notFound, component: NotFoundView },
    ],
  });

  router.beforeEach(async (to) => {
    const auth = useAuthStore();
    await auth.restore();
    if (to.meta.requiresAuth && !auth.isAuthenticated) {
      return { name: SPA_PAGES.login, query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
    }
    if (to.meta.guestOnly && auth.isAuthenticated) return { name: SPA_PAGES.board };
    return true;
  });

  return router;
}

/** Only same-app paths are followed after login (never an absolute URL from the query string). */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/';
}
