import {
  descriptionProblem,
  dueDateProblem,
  normalizeTitle,
  TASK_PRIORITIES,
  type Task,
  type TaskPriority,
  type TaskStatus,
  titleProblem,
} from '@taskboard/contracts';

/** The contract's messages start with the field name; in the form they start a sentence. */
const sentence = (message: string) => message.charAt(0).toUpperCase() + message.slice(1);

/**
 * The API's rules for a task, from the same definitions (contracts/src/fields.ts): lengths in
 * code points, no control characters, a title that draws something, a due date in range.
 */
export function validateTask(input: {
  title: string;
  description: string;
  dueDate?: string;
}): Record<string, string> {
  const errors: Record<string, string> = {};
  const title = titleProblem(normalizeTitle(input.title));
  if (title) errors.title = sentence(title);
  // A blank description is sent as null (cleared), which is always valid.
  const description = input.description.trim() ? descriptionProblem(input.description) : null;
  if (description) errors.description = sentence(description);
  const dueDate = input.dueDate ? dueDateProblem(dateToIso(input.dueDate)) : null;
  if (dueDate) errors.dueDate = sentence(dueDate);
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
