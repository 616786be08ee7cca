import { TASK_LIMITS } from '@taskboard/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeTask, mockFetch } from '../shared/fetch-mock';
import { TaskGoneError, useTasksStore } from './tasks.store';

beforeEach(() => setActivePinia(createPinia()));

const taskUrl = (id: string) => `/api/tasks/${id}`;

describe('tasks store', () => {
  it('loads every page of the board, following the cursor at the largest page size', async () => {
    const a = makeTask();
    const b = makeTask();
    const { calls } = mockFetch({
      'GET /api/tasks': [
        { status: 200, body: { items: [a], nextCursor: 'c1', limit: 100 } },
        { status: 200, body: { items: [b], nextCursor: null, limit: 100 } },
      ],
    });
    const store = useTasksStore();
    await store.load();
    expect(store.state).toBe('ready');
    expect(store.tasks.map((t) => t.id)).toEqual([a.id, b.id]);
    expect(calls.map((c) => c.path)).toEqual([
      `/api/tasks?limit=${TASK_LIMITS.pageSizeMax}`,
      `/api/tasks?limit=${TASK_LIMITS.pageSizeMax}&cursor=c1`,
    ]);
  });

  it('groups tasks into columns, most urgent first, and filters by priority and title', () => {
    const store = useTasksStore();
    store.tasks = [
      makeTask({ title: 'Low todo', priority: 'LOW' }),
      makeTask({ title: 'Urgent todo', priority: 'URGENT' }),
      makeTask({ title: 'Done thing', status: 'DONE', priority: 'HIGH' }),
    ];
    expect(store.columns.TODO.map((t) => t.title)).toEqual(['Urgent todo', 'Low todo']);
    expect(store.columns.IN_PROGRESS).toEqual([]);
    expect(store.columns.DONE).toHaveLength(1);
    store.priority = 'LOW';
    expect(store.visible.map((t) => t.title)).toEqual(['Low todo']);
    store.priority = '';
    store.search = '  THING ';
    expect(store.visible.map((t) => t.title)).toEqual(['Done thing']);
    expect(store.isFiltered).toBe(true);
  });

  it('moves a card optimistically and keeps the server’s version', async () => {
    const t = makeTask();
    mockFetch({
      [`PATCH ${taskUrl(t.id)}`]: { status: 200, body: { ...t, status: 'DONE', updatedAt: 'later' } },
    });
    const store = useTasksStore();
    store.tasks = [t];
    const moving = store.move(t.id, 'DONE');
    expect(store.columns.DONE.map((x) => x.id)).toEqual([t.id]); // before the API answered
    await moving;
    expect(store.tasks[0]).toMatchObject({ status: 'DONE', updatedAt: 'later' });
  });

  it('rolls an optimistic move back when the API refuses it, and says so', async () => {
    const t = makeTask({ title: 'Deploy', status: 'IN_PROGRESS' });
    mockFetch({
      [`PATCH ${taskUrl(t.id)}`]: {
        status: 500,
        body: { statusCode: 500, message: 'Internal server error' },
      },
    });
    const store = useTasksStore();
    store.tasks = [t];
    await store.move(t.id, 'DONE');
    expect(store.tasks[0]?.status).toBe('IN_PROGRESS');
    expect(store.notice).toContain('Could not move “Deploy” to Done');
  });

  it('rolls back when the API is unreachable', async () => {
    const t = makeTask();
    mockFetch({ [`PATCH ${taskUrl(t.id)}`]: 'network-error' });
    const store = useTasksStore();
    store.tasks = [t];
    await store.move(t.id, 'IN_PROGRESS');
    expect(store.tasks[0]?.status).toBe('TODO');
  });

  it('drops a card whose task was deleted elsewhere (404) instead of rolling back', async () => {
    const t = makeTask({ title: 'Gone' });
    mockFetch({
      [`PATCH ${taskUrl(t.id)}`]: { status: 404, body: { statusCode: 404, message: 'Task not found' } },
    });
    const store = useTasksStore();
    store.tasks = [t];
    await store.move(t.id, 'DONE');
    expect(store.tasks).toEqual([]);
    expect(store.notice).toContain('no longer exists');
  });

  it('turns a 404 on update into TaskGoneError and removes the card', async () => {
    const t = makeTask();
    mockFetch({
      [`PATCH ${taskUrl(t.id)}`]: { status: 404, body: { statusCode: 404, message: 'Task not found' } },
    });
    const store = useTasksStore();
    store.tasks = [t];
    await expect(store.update(t.id, { title: 'x' })).rejects.toBeInstanceOf(TaskGoneError);
    expect(store.tasks).toEqual([]);
  });

  it('treats deleting an already deleted task as done, and keeps the card on other failures', async () => {
    const gone = makeTask();
    const kept = makeTask({ title: 'Kept' });
    mockFetch({
      [`DELETE ${taskUrl(gone.id)}`]: { status: 404 },
      [`DELETE ${taskUrl(kept.id)}`]: {
        status: 503,
        body: { statusCode: 503, message: 'Database temporarily unavailable' },
      },
    });
    const store = useTasksStore();
    store.tasks = [gone, kept];
    await store.remove(gone.id);
    await store.remove(kept.id);
    expect(store.tasks.map((t) => t.id)).toEqual([kept.id]);
    expect(store.notice).toContain('Could not delete “Kept”');
  });

  it('shows the error state when the first load fails, but keeps cards on a failed reload', async () => {
    mockFetch({
      'GET /api/tasks': [
        'network-error',
        { status: 200, body: { items: [makeTask()], nextCursor: null } },
        'network-error',
      ],
    });
    const store = useTasksStore();
    await store.load();
    expect(store.state).toBe('error');
    await store.load();
    expect(store.state).toBe('ready');
    await store.load();
    expect(store.state).toBe('ready');
    expect(store.tasks).toHaveLength(1);
    expect(store.loadError).toBe('The server cannot be reached');
  });
});
