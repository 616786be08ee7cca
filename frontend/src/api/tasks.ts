import {
  API_PATHS,
  TASK_LIMITS,
  type Task,
  type TaskPage,
  type TaskPriority,
  type TaskStatus,
} from '@taskboard/contracts';
import { request } from './http';

export interface TaskInput {
  title: string;
  description: string | null;
  status: TaskStatus;
  priority: TaskPriority;
  dueDate: string | null;
}

const taskPath = (id: string) => API_PATHS.task.replace(':id', encodeURIComponent(id));

/** Upper bound on pages fetched for one board, so a runaway cursor cannot loop forever. */
const MAX_PAGES = 50;

export const tasksApi = {
  /** The whole board: every page, largest page size, oldest cursor first. */
  async listAll(): Promise<Task[]> {
    const items: Task[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await request<TaskPage>('GET', API_PATHS.tasks, {
        query: { limit: TASK_LIMITS.pageSizeMax, cursor },
      });
      items.push(...res.items);
      if (!res.nextCursor) break;
      cursor = res.nextCursor;
    }
    return items;
  },
  create: (input: TaskInput) => request<Task>('POST', API_PATHS.tasks, { body: input }),
  update: (id: string, patch: Partial<TaskInput>) => request<Task>('PATCH', taskPath(id), { body: patch }),
  remove: (id: string) => request<void>('DELETE', taskPath(id)),
};
