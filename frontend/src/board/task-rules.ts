import {
  TASK_LIMITS,
  TASK_PRIORITIES,
  type Task,
  type TaskPriority,
  type TaskStatus,
} from '@taskboard/contracts';

/** Client-side mirror of the API's CreateTaskDto rules, with the same limits from the contract. */
export function validateTask(input: { title: string; description: string }): Record<string, string> {
  const errors: Record<string, string> = {};
  const title = input.title.trim();
  if (title.length < TASK_LIMITS.titleMin || title.length > TASK_LIMITS.titleMax) {
    errors.title = `Title must be ${TASK_LIMITS.titleMin}-${TASK_LIMITS.titleMax} characters`;
  }
  if (input.description.length > TASK_LIMITS.descriptionMax) {
    errors.description = `Description must be at most ${TASK_LIMITS.descriptionMax} characters`;
  }
  return errors;
}

export const STATUS_LABELS: Record<TaskStatus, string> = {
  TODO: 'To do',
  IN_PROGRESS: 'In progress',
  DONE: 'Done',
};

export const PRIORITY_LABELS: Record<TaskPriority, string> = {
  LOW: 'Low',
  MEDIUM: 'Medium',
  HIGH: 'High',
  URGENT: 'Urgent',
};

/** Most urgent first; the contract lists priorities from lowest to highest. */
const rank = (p: TaskPriority) => TASK_PRIORITIES.indexOf(p);

export function compareTasks(a: Task, b: Task): number {
  return rank(b.priority) - rank(a.priority) || b.createdAt.localeCompare(a.createdAt);
}

/** A date input's "YYYY-MM-DD" as the API's ISO timestamp (midnight UTC), and back. */
export const dateToIso = (date: string) => (date ? `${date}T00:00:00.000Z` : null);
export const isoToDate = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

/** Due before today (the user's calendar day) and not done. */
export function isOverdue(task: Pick<Task, 'dueDate' | 'status'>, now = new Date()): boolean {
  if (!task.dueDate || task.status === 'DONE') return false;
  const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return isoToDate(task.dueDate) < today;
}

/** dataTransfer type of a dragged card: drops of anything else (files, text) are ignored. */
export const DRAG_TYPE = 'application/x-taskboard-task';
