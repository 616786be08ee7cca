import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHistory } from 'vue-router';
import App from '../App.vue';
import { useAuthStore } from '../auth/auth.store';
import { createAppRouter } from '../router';
import { makeTask, mockFetch, type Reply, session } from '../shared/fetch-mock';

beforeEach(() => {
  setActivePinia(createPinia());
  localStorage.clear();
});

/** The whole app on the board route, logged in, with the tasks endpoint scripted. */
async function mountBoard(tasks: Reply[] | Reply) {
  mockFetch({
    'POST /api/auth/login': { status: 200, body: session() },
    'GET /api/tasks': tasks,
    'PATCH /api/tasks/00000000-0000-4000-8000-000000009999': {
      status: 500,
      body: { statusCode: 500, message: 'boom' },
    },
  });
  await useAuthStore().login('ada@example.com', 'long enough');
  const router = createAppRouter(createMemoryHistory());
  await router.push('/');
  const w = mount(App, { global: { plugins: [router] }, attachTo: document.body });
  return { w, router };
}

describe('BoardView', () => {
  it('shows skeletons while loading, then the columns with counts', async () => {
    const tasks = [makeTask({ status: 'TODO' }), makeTask({ status: 'DONE' }), makeTask({ status: 'DONE' })];
    const { w } = await mountBoard({ status: 200, body: { items: tasks, nextCursor: null, limit: 100 } });
    // Mounted, the list request is in flight: skeletons, announced as busy.
    expect(w.find('[data-test="skeleton"]').attributes('aria-busy')).toBe('true');
    expect(w.find('[data-test="board"]').exists()).toBe(false);
    await flushPromises();
    expect(w.find('[data-test="skeleton"]').exists()).toBe(false);
    const counts = w.findAll('[data-test="count"]').map((c) => c.text());
    expect(counts).toEqual(['1', '0', '2']);
    w.unmount();
  });

  it('shows the empty board with a call to action', async () => {
    const { w } = await mountBoard({ status: 200, body: { items: [], nextCursor: null, limit: 100 } });
    await flushPromises();
    expect(w.find('[data-test="empty"]').text()).toContain('Your board is empty');
    await w.find('[data-test="empty"] button').trigger('click');
    expect(w.find('[role="dialog"]').exists()).toBe(true);
    w.unmount();
  });

  it('shows the failure banner and the load error when the API is unreachable, and recovers on Retry', async () => {
    const { w } = await mountBoard([
      'network-error',
      { status: 200, body: { items: [makeTask()], nextCursor: null, limit: 100 } },
    ]);
    await flushPromises();
    expect(w.find('[data-test="network-banner"]').text()).toContain('Cannot reach the server');
    expect(w.find('[data-test="load-error"]').exists()).toBe(true);
    await w.find('[data-test="network-banner"] button').trigger('click');
    await flushPromises();
    expect(w.find('[data-test="network-banner"]').exists()).toBe(false);
    expect(w.findAll('[data-test="task-card"]')).toHaveLength(1);
    w.unmount();
  });

  it('rolls a failed move back on screen and tells the user', async () => {
    const task = makeTask({ id: '00000000-0000-4000-8000-000000009999', title: 'Fragile' });
    const { w } = await mountBoard({ status: 200, body: { items: [task], nextCursor: null, limit: 100 } });
    await flushPromises();
    await w.find('button[aria-label="Move Fragile to In progress"]').trigger('click');
    expect(w.find('[data-test="column-IN_PROGRESS"] [data-test="task-card"]').exists()).toBe(true);
    await flushPromises();
    expect(w.find('[data-test="column-TODO"] [data-test="task-card"]').exists()).toBe(true);
    expect(w.find('[data-test="notice"]').text()).toContain('Could not move “Fragile” to In progress');
    w.unmount();
  });

  it('moves a card dropped on another column', async () => {
    const task = makeTask({ id: '00000000-0000-4000-8000-000000009999', title: 'Dragged' });
    const { w } = await mountBoard({ status: 200, body: { items: [task], nextCursor: null, limit: 100 } });
    await flushPromises();
    const dataTransfer = {
      types: ['application/x-taskboard-task'],
      getData: (type: string) => (type === 'application/x-taskboard-task' ? task.id : ''),
      dropEffect: '',
    };
    await w.find('[data-test="column-DONE"]').trigger('dragover', { dataTransfer });
    expect(w.find('[data-test="column-DONE"]').classes()).toContain('over');
    await w.find('[data-test="column-DONE"]').trigger('drop', { dataTransfer });
    expect(w.find('[data-test="column-DONE"] [data-test="task-card"]').exists()).toBe(true);
    w.unmount();
  });

  it('tells the user when filters hide every task', async () => {
    const { w } = await mountBoard({
      status: 200,
      body: { items: [makeTask({ title: 'Alpha' })], nextCursor: null, limit: 100 },
    });
    await flushPromises();
    await w.find('#search').setValue('zzz');
    expect(w.find('[data-test="no-match"]').exists()).toBe(true);
    await w.find('[data-test="no-match"] button').trigger('click');
    expect(w.findAll('[data-test="task-card"]')).toHaveLength(1);
    w.unmount();
  });
});
