/**
 * Test helper (imported by *.test.ts only): a scripted `fetch`. Each route answers from a
 * queue of responses (the last one repeats), and every call is recorded for assertions.
 */
import type { Task } from '@taskboard/contracts';
import { vi } from 'vitest';

export type Reply = { status: number; body?: unknown } | 'network-error';

export interface Call {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export function mockFetch(routes: Record<string, Reply[] | Reply>) {
  const calls: Call[] = [];
  const queues = new Map(Object.entries(routes).map(([k, v]) => [k, Array.isArray(v) ? [...v] : [v]]));
  const fetch = vi.fn(async (input: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const path = String(input);
    const headers = (init.headers ?? {}) as Record<string, string>;
    calls.push({ method, path, headers, body: init.body ? JSON.parse(String(init.body)) : undefined });
    const key = `${method} ${path.split('?')[0]}`;
    const queue = queues.get(key);
    if (!queue?.length) throw new Error(`unexpected request ${key}`);
    const reply = queue.length > 1 ? queue.shift()! : queue[0]!;
    if (reply === 'network-error') throw new TypeError('Failed to fetch');
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'content-type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetch);
  return { fetch, calls };
}

let seq = 0;
export function makeTask(overrides: Partial<Task> = {}): Task {
  seq += 1;
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    title: `Task ${seq}`,
    description: null,
    status: 'TODO',
    priority: 'MEDIUM',
    dueDate: null,
    ownerId: 'owner',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    ...overrides,
  };
}

export const session = (email = 'ada@example.com') => ({
  accessToken: `token-${email}`,
  expiresIn: 900,
  user: { id: 'u1', email, createdAt: '2026-01-01T00:00:00.000Z' },
});

export const validationError = (fields: Record<string, string[]>) => ({
  status: 400,
  body: { statusCode: 400, error: 'Bad Request', message: 'Validation failed', fields },
});
