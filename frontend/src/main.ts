import { SPA_PAGES } from '@taskboard/contracts';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { bindSession } from './api/http';
import { useAuthStore } from './auth/auth.store';
import { useTasksStore } from './board/tasks.store';
import { createAppRouter } from './router';
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
    useTasksStore(pinia).reset();
    const here = router.currentRoute.value;
    void router.push({
      name: SPA_PAGES.login,
      query: here.meta.requiresAuth ? { redirect: here.fullPath } : {},
    });
  },
});

startRum(app, router);
app.mount('#app');
