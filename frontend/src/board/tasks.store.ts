import { TASK_STATUSES, type Task, type TaskPriority, type TaskStatus } from '@taskboard/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiRequestError } from '../api/http';
import { type TaskInput, tasksApi } from '../api/tasks';
import { compareTasks, STATUS_LABELS } from './task-rules';

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

/** The task no longer exists on the server (deleted elsewhere): the board drops it. */
export class TaskGoneError extends Error {
  constructor() {
    super('This task no longer exists; it may have been deleted elsewhere.');
    this.name = 'TaskGoneError';
  }
}

const isNotFound = (err: unknown) => err instanceof ApiRequestError && err.status === 404;

export const useTasksStore = defineStore('tasks', () => {
  const tasks = ref<Task[]>([]);
  const state = ref<LoadState>('idle');
  const loadError = ref<string | null>(null);
  /** One-line feedback for actions that failed away from a form (moves, deletes). */
  const notice = ref<string | null>(null);
  const search = ref('');
  const priority = ref<TaskPriority | ''>('');

  const visible = computed(() => {
    const needle = search.value.trim().toLowerCase();
    return tasks.value.filter(
      (t) =>
        (!priority.value || t.priority === priority.value) &&
        (!needle || t.title.toLowerCase().includes(needle)),
    );
  });

  const columns = computed(() => {
    const byStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, [] as Task[]])) as Record<
      TaskStatus,
      Task[]
    >;
    for (const t of visible.value) byStatus[t.status].push(t);
    for (const s of TASK_STATUSES) byStatus[s].sort(compareTasks);
    return byStatus;
  });

  const isFiltered = computed(() => search.value.trim() !== '' || priority.value !== '');

  function find(id: string): Task | undefined {
    return tasks.value.find((t) => t.id === id);
  }

  function replace(task: Task): void {
    const i = tasks.value.findIndex((t) => t.id === task.id);
    if (i >= 0) tasks.value[i] = task;
  }

  function drop(id: string): void {
    tasks.value = tasks.value.filter((t) => t.id !== id);
  }

  async function load(): Promise<void> {
    // A reload keeps the current cards on screen; only the first load shows skeletons.
    if (state.value !== 'ready') state.value = 'loading';
    loadError.value = null;
    try {
      tasks.value = await tasksApi.listAll();
      state.value = 'ready';
    } catch (err) {
      loadError.value = err instanceof Error ? err.message : String(err);
      if (state.value !== 'ready') state.value = 'error';
    }
  }

  async function create(input: TaskInput): Promise<Task> {
    const task = await tasksApi.create(input);
    tasks.value = [task, ...tasks.value];
    return task;
  }

  async function update(id: string, patch: Partial<TaskInput>): Promise<Task> {
    try {
      const task = await tasksApi.update(id, patch);
      replace(task);
      return task;
    } catch (err) {
      if (isNotFound(err)) {
        drop(id);
        throw new TaskGoneError();
      }
      throw err;
    }
  }

  async function remove(id: string): Promise<void> {
    const task = find(id);
    try {
      await tasksApi.remove(id);
      drop(id);
    } catch (err) {
      // Already gone is the outcome the user asked for.
      if (isNotFound(err)) drop(id);
      else notice.value = `Could not delete “${task?.title ?? 'task'}”: ${(err as Error).message}`;
    }
  }

  /**
   * Optimistic: the card moves at once and the request follows. On failure it goes back to
   * where it was, unless the user has moved it again in the meantime.
   */
  async function move(id: string, status: TaskStatus): Promise<void> {
    const task = find(id);
    if (!task || task.status === status) return;
    const from = task.status;
    replace({ ...task, status });
    notice.value = null;
    try {
      replace(await tasksApi.update(id, { status }));
    } catch (err) {
      if (isNotFound(err)) {
        drop(id);
        notice.value = `“${task.title}” no longer exists; it may have been deleted elsewhere.`;
        return;
      }
      const current = find(id);
      if (current?.status === status) replace({ ...current, status: from });
      notice.value = `Could not move “${task.title}” to ${STATUS_LABELS[status]}; it is back in ${STATUS_LABELS[from]}.`;
    }
  }

  function reset(): void {
    tasks.value = [];
    state.value = 'idle';
    loadError.value = null;
    notice.value = null;
    search.value = '';
    priority.value = '';
  }

  return {
    tasks,
    state,
    loadError,
    notice,
    search,
    priority,
    visible,
    columns,
    isFiltered,
    load,
    create,
    update,
    remove,
    move,
    reset,
  };
});
