import { SPA_PAGES } from '@taskboard/contracts';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { bindSession } from './api/http';
import { sessionExpected, useAuthStore } from './auth/auth.store';
import { createAppRouter, loadBoard } from './router';
import { startRum } from './rum/rum';
import './styles.css';

const app = createApp(App);
const pinia = createPinia();
const router = createAppRouter();
app.use(pinia).use(router);

const auth = useAuthStore(pinia);
bindSession({
  token: auth.token,
  refresh: auth.refresh,
  expired: () => {
    auth.clear('expired');
    // The board's chunk (and its store) is loaded only if the board was opened.
    void import('./board/tasks.store').then(({ useTasksStore }) => useTasksStore(pinia).reset());
    const here = router.currentRoute.value;
    void router.push({
      name: SPA_PAGES.login,
      query: here.meta.requiresAuth ? { redirect: here.fullPath } : {},
    });
  },
});

// Nothing on the page waits in line: the session refresh and, for a returning user, the board's
// code are requested now, in parallel, before the app mounts (the router's guard then awaits
// the refresh already in flight instead of starting it).
void auth.restore();
if (sessionExpected()) void loadBoard();

startRum(app, router);
app.mount('#app');
