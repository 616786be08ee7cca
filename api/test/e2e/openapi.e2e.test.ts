import { API_PATHS } from '@taskboard/contracts';
import { describe, expect, it } from 'vitest';
import { MODE } from '../support/env';
import { useTestApp } from '../support/test-app';

const ctx = useTestApp();

type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, { properties: Record<string, unknown> }>; securitySchemes: object };
};

describe(`OpenAPI (${MODE})`, () => {
  it('documents every endpoint of the contract with its response shapes', async () => {
    expect((await fetch(`${ctx.t.url}/docs`)).status).toBe(200);
    const doc = (await (await fetch(`${ctx.t.url}/docs/json`)).json()) as Doc;
    const documented = Object.keys(doc.paths);
    const expected = Object.entries(API_PATHS)
      .filter(([name]) => name !== 'metrics' && name !== 'docs')
      .map(([, path]) => path.replace(/:(\w+)/g, '{$1}'));
    expect(documented.sort()).toEqual(expect.arrayContaining(expected.sort()));

    const ref = (path: string, method: string, status: string) =>
      JSON.stringify(doc.paths[path]?.[method]?.responses?.[status] ?? null);
    expect(ref('/api/tasks', 'get', '200')).toContain('TaskPageDoc');
    expect(ref('/api/tasks', 'post', '201')).toContain('TaskDoc');
    expect(ref('/api/tasks/{id}', 'get', '404')).toContain('ApiErrorDoc');
    expect(ref('/api/auth/login', 'post', '200')).toContain('AuthResponseDoc');
    expect(Object.keys(doc.components.schemas.TaskDoc!.properties).sort()).toEqual([
      'createdAt',
      'description',
      'dueDate',
      'id',
      'ownerId',
      'priority',
      'status',
      'title',
      'updatedAt',
    ]);
    expect(Object.keys(doc.components.schemas.CreateTaskDto!.properties).sort()).toEqual([
      'description',
      'dueDate',
      'priority',
      'status',
      'title',
    ]);
    expect(doc.components.securitySchemes).toHaveProperty('bearer');
  });
});
