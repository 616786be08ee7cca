import { randomUUID } from 'node:crypto';
import { TASK_LIMITS } from '@taskboard/contracts';
import { describe, expect, it } from 'vitest';
import { MODE } from '../support/env';
import { useTestApp } from '../support/test-app';

const ctx = useTestApp();

type Task = {
  id: string;
  title: string;
  status: string;
  priority: string;
  dueDate: string | null;
  ownerId: string;
};
type Page = { items: Task[]; nextCursor: string | null; limit: number };

describe(`tasks CRUD (${MODE})`, () => {
  it('creates with defaults, reads, updates, deletes', async () => {
    const u = await ctx.api.register();
    const created = await ctx.api.send<Task>('POST', '/api/tasks', {
      token: u.token,
      body: { title: '  Write runbook  ' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: 'Write runbook',
      status: 'TODO',
      priority: 'MEDIUM',
      dueDate: null,
      ownerId: u.userId,
    });
    const id = created.body.id;
    expect((await ctx.api.send<Task>('GET', `/api/tasks/${id}`, { token: u.token })).body.title).toBe(
      'Write runbook',
    );
    const patched = await ctx.api.send<Task>('PATCH', `/api/tasks/${id}`, {
      token: u.token,
      body: {
        status: 'DONE',
        priority: 'URGENT',
        dueDate: '2030-01-02T03:04:05.000Z',
        description: 'details',
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      status: 'DONE',
      priority: 'URGENT',
      dueDate: '2030-01-02T03:04:05.000Z',
    });
    const cleared = await ctx.api.send<Task>('PATCH', `/api/tasks/${id}`, {
      token: u.token,
      body: { dueDate: null, description: null },
    });
    expect(cleared.body).toMatchObject({ dueDate: null, description: null });
    expect((await ctx.api.send('DELETE', `/api/tasks/${id}`, { token: u.token })).status).toBe(204);
    expect((await ctx.api.send('GET', `/api/tasks/${id}`, { token: u.token })).status).toBe(404);
    expect((await ctx.api.send('DELETE', `/api/tasks/${id}`, { token: u.token })).status).toBe(404);
  });

  it('validates every field and names it in the error', async () => {
    const u = await ctx.api.register();
    const cases: [unknown, string][] = [
      [{}, 'title'],
      [{ title: '' }, 'title'],
      [{ title: '   ' }, 'title'],
      [{ title: 'x'.repeat(TASK_LIMITS.titleMax + 1) }, 'title'],
      [{ title: 42 }, 'title'],
      [{ title: 'ok', description: 'd'.repeat(TASK_LIMITS.descriptionMax + 1) }, 'description'],
      [{ title: 'ok', status: 'BLOCKED' }, 'status'],
      [{ title: 'ok', priority: 'low' }, 'priority'],
      [{ title: 'ok', dueDate: 'tomorrow' }, 'dueDate'],
      [{ title: 'ok', ownerId: randomUUID() }, 'ownerId'],
      [{ title: 'ok', id: randomUUID() }, 'id'],
    ];
    for (const [body, field] of cases) {
      const res = await ctx.api.send<{ fields: Record<string, string[]> }>('POST', '/api/tasks', {
        token: u.token,
        body,
      });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(Object.keys(res.body.fields), JSON.stringify(body).slice(0, 80)).toContain(field);
    }
    const max = await ctx.api.send('POST', '/api/tasks', {
      token: u.token,
      body: { title: 'x'.repeat(TASK_LIMITS.titleMax), description: 'd'.repeat(TASK_LIMITS.descriptionMax) },
    });
    expect(max.status).toBe(201);
    const { body } = await ctx.api.send<Task>('POST', '/api/tasks', {
      token: u.token,
      body: { title: 'patch me' },
    });
    const empty = await ctx.api.send('PATCH', `/api/tasks/${body.id}`, { token: u.token, body: {} });
    expect(empty.status).toBe(400);
    const bad = await ctx.api.send<{ fields: object }>('PATCH', `/api/tasks/${body.id}`, {
      token: u.token,
      body: { title: '' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toHaveProperty('title');
    // Nothing was lost or changed by the rejected requests.
    expect((await ctx.api.send<Task>('GET', `/api/tasks/${body.id}`, { token: u.token })).body.title).toBe(
      'patch me',
    );
  });

  it('answers 404 for another user’s task exactly as for a missing one (IDOR)', async () => {
    const alice = await ctx.api.register();
    const mallory = await ctx.api.register();
    const { body: secret } = await ctx.api.send<Task>('POST', '/api/tasks', {
      token: alice.token,
      body: { title: 'alice only' },
    });
    const missing = randomUUID();
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { title: 'pwned' }],
      ['DELETE', undefined],
    ] as const) {
      const theirs = await ctx.api.send(method, `/api/tasks/${secret.id}`, { token: mallory.token, body });
      const none = await ctx.api.send(method, `/api/tasks/${missing}`, { token: mallory.token, body });
      expect(theirs.status, method).toBe(404);
      expect({ ...(theirs.body as object), requestId: 0 }).toEqual({
        ...(none.body as object),
        requestId: 0,
      });
    }
    const list = await ctx.api.send<Page>('GET', '/api/tasks', { token: mallory.token });
    expect(list.body.items.map((x) => x.id)).not.toContain(secret.id);
    const still = await ctx.api.send<Task>('GET', `/api/tasks/${secret.id}`, { token: alice.token });
    expect(still.body.title).toBe('alice only');
  });
});

describe(`task lists (${MODE})`, () => {
  it('filters by status and priority', async () => {
    const u = await ctx.api.register();
    const mk = (title: string, status: string, priority: string) =>
      ctx.api.send('POST', '/api/tasks', { token: u.token, body: { title, status, priority } });
    await mk('a', 'TODO', 'LOW');
    await mk('b', 'DONE', 'HIGH');
    await mk('c', 'DONE', 'LOW');
    const done = await ctx.api.send<Page>('GET', '/api/tasks?status=DONE', { token: u.token });
    expect(done.body.items.map((x) => x.title).sort()).toEqual(['b', 'c']);
    const doneLow = await ctx.api.send<Page>('GET', '/api/tasks?status=DONE&priority=LOW', {
      token: u.token,
    });
    expect(doneLow.body.items.map((x) => x.title)).toEqual(['c']);
    expect((await ctx.api.send('GET', '/api/tasks?status=NOPE', { token: u.token })).status).toBe(400);
    expect((await ctx.api.send('GET', '/api/tasks?sort=title', { token: u.token })).status).toBe(400);
    expect((await ctx.api.send('GET', '/api/tasks?unknown=1', { token: u.token })).status).toBe(400);
  });

  it('sorts by priority (URGENT first) and by due date (nulls last)', async () => {
    const u = await ctx.api.register();
    for (const [title, priority, dueDate] of [
      ['low', 'LOW', '2030-01-03T00:00:00Z'],
      ['urgent', 'URGENT', null],
      ['medium', 'MEDIUM', '2030-01-01T00:00:00Z'],
      ['high', 'HIGH', '2030-01-02T00:00:00Z'],
    ] as const) {
      await ctx.api.send('POST', '/api/tasks', { token: u.token, body: { title, priority, dueDate } });
    }
    const byPriority = await ctx.api.send<Page>('GET', '/api/tasks?sort=priority', { token: u.token });
    expect(byPriority.body.items.map((x) => x.title)).toEqual(['urgent', 'high', 'medium', 'low']);
    const byDue = await ctx.api.send<Page>('GET', '/api/tasks?sort=dueDate', { token: u.token });
    expect(byDue.body.items.map((x) => x.title)).toEqual(['medium', 'high', 'low', 'urgent']);
  });

  it.each(['created', 'priority', 'dueDate'])(
    'pages with cursors without gaps or duplicates (sort=%s)',
    async (sort) => {
      const u = await ctx.api.register();
      const priorities = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'];
      const ids = new Set<string>();
      for (let i = 0; i < 23; i++) {
        const dueDate = i % 3 === 0 ? null : `2030-01-${String((i % 5) + 1).padStart(2, '0')}T00:00:00Z`;
        const res = await ctx.api.send<Task>('POST', '/api/tasks', {
          token: u.token,
          body: { title: `t${i}`, priority: priorities[i % 4], dueDate },
        });
        ids.add(res.body.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q: string = `/api/tasks?sort=${sort}&limit=5${cursor ? `&cursor=${cursor}` : ''}`;
        const page: { body: Page } = await ctx.api.send<Page>('GET', q, { token: u.token });
        expect(page.body.items.length).toBeLessThanOrEqual(5);
        seen.push(...page.body.items.map((x) => x.id));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      expect(pages).toBe(5);
      expect(seen.length).toBe(23);
      expect(new Set(seen)).toEqual(ids);
    },
  );

  it('bounds the page size and rejects forged cursors', async () => {
    const u = await ctx.api.register();
    expect((await ctx.api.send('GET', '/api/tasks?limit=0', { token: u.token })).status).toBe(400);
    expect(
      (await ctx.api.send('GET', `/api/tasks?limit=${TASK_LIMITS.pageSizeMax + 1}`, { token: u.token }))
        .status,
    ).toBe(400);
    expect((await ctx.api.send<Page>('GET', '/api/tasks', { token: u.token })).body.limit).toBe(
      TASK_LIMITS.pageSizeDefault,
    );
    const forged = Buffer.from(
      JSON.stringify({ s: 'created', k: ["'; DROP TABLE tasks; --", 'x'] }),
    ).toString('base64url');
    for (const cursor of ['not-base64!', forged, 'e30']) {
      const res = await ctx.api.send<{ fields: object }>('GET', `/api/tasks?cursor=${cursor}`, {
        token: u.token,
      });
      expect(res.status).toBe(400);
      expect(res.body.fields).toHaveProperty('cursor');
    }
  });
});
