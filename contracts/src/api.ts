/** The HTTP contract of the API (ARCHITECTURE.md §4), shared with the SPA and tests. */

import { FIELD_LIMITS } from './fields';

export const TASK_STATUSES = ['TODO', 'IN_PROGRESS', 'DONE'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

export const TASK_SORTS = ['created', 'dueDate', 'priority'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export const TASK_LIMITS = {
  titleMin: 1,
  titleMax: FIELD_LIMITS.titleMax,
  descriptionMax: FIELD_LIMITS.descriptionMax,
  pageSizeDefault: 20,
  pageSizeMax: 100,
} as const;

export const PASSWORD_LIMITS = { min: 8, max: 128 } as const;

export interface PublicUser {
  id: string;
  email: string;
  createdAt: string;
}

export interface AuthResponse {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  user: PublicUser;
}

export interface Task {
  id: string;
  title: string;
  description: string | null;
  status: TaskStatus;
  priority: TaskPriority;
  dueDate: string | null;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
}

export interface TaskPage {
  items: Task[];
  /** Opaque cursor for the next page, null on the last page. */
  nextCursor: string | null;
  limit: number;
}

/** Every 4xx/5xx body. `fields` names the offending input fields for validation errors. */
export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  fields?: Record<string, string[]>;
  requestId?: string;
}

export const API_PATHS = {
  register: '/api/auth/register',
  login: '/api/auth/login',
  refresh: '/api/auth/refresh',
  logout: '/api/auth/logout',
  me: '/api/auth/me',
  tasks: '/api/tasks',
  task: '/api/tasks/:id',
  health: '/health',
  ready: '/health/ready',
  metrics: '/metrics',
  docs: '/docs',
} as const;

/** The refresh cookie is scoped to this path so it is sent to the auth endpoints only. */
export const REFRESH_COOKIE = { name: 'taskboard_refresh', path: '/api/auth' } as const;
