import { API_PATHS, REFRESH_COOKIE } from '@taskboard/contracts';
import { describe, expect, it } from 'vitest';
import { MODE } from '../support/env';
import { useTestApp } from '../support/test-app';

const ctx = useTestApp();

interface Op {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: boolean | Schema;
  required?: string[];
}
interface Doc {
  servers: { url: string }[];
  tags: { name: string; description?: string }[];
  paths: Record<string, Record<string, Op>>;
  components: {
    schemas: Record<string, Schema>;
    securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string }>;
  };
}

const document = async () => (await (await fetch(`${ctx.t.url}/docs/json`)).json()) as Doc;
const operationsOf = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
  );

describe(`OpenAPI document (${MODE})`, () => {
  it('documents every endpoint of the contract with its response shapes, and nothing else', async () => {
    expect((await fetch(`${ctx.t.url}/docs`)).status).toBe(200);
    const doc = await document();
    const expected = Object.entries(API_PATHS)
      .filter(([name]) => name !== 'metrics' && name !== 'docs')
      .map(([, path]) => path.replace(/:(\w+)/g, '{$1}'));
    expect(Object.keys(doc.paths).sort()).toEqual([...expected, '/api/rum'].sort());

    const ref = (path: string, method: string, status: string) =>
      JSON.stringify(doc.paths[path]?.[method]?.responses?.[status] ?? null);
    expect(ref('/api/tasks', 'get', '200')).toContain('TaskPageDoc');
    expect(ref('/api/tasks', 'post', '201')).toContain('TaskDoc');
    expect(ref('/api/tasks/{id}', 'get', '404')).toContain('ApiErrorDoc');
    expect(ref('/api/auth/login', 'post', '200')).toContain('AuthResponseDoc');
    expect(ref('/api/auth/refresh', 'post', '200')).toContain('AuthResponseDoc');
    expect(Object.keys(doc.components.schemas.TaskDoc!.properties!).sort()).toEqual([
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
    expect(Object.keys(doc.components.schemas.CreateTaskDto!.properties!).sort()).toEqual([
      'description',
      'dueDate',
      'priority',
      'status',
      'title',
    ]);
    expect(doc.components.schemas.ApiErrorDoc!.required).toContain('requestId');
  });

  it('names, tags and secures every operation; public ones say so with security: []', async () => {
    const doc = await document();
    expect(doc.servers).toEqual([{ url: '/' }]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.refreshCookie).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'cookie', name: REFRESH_COOKIE.name }),
    );
    const tags = new Map(doc.tags.map((t) => [t.name, t.description]));
    const ids = new Set<string>();
    const publicOps: string[] = [];
    for (const { where, op } of operationsOf(doc)) {
      expect(op.operationId, where).toBeTruthy();
      expect(ids.has(op.operationId!), `${where}: duplicate operationId`).toBe(false);
      ids.add(op.operationId!);
      expect(op.summary, where).toBeTruthy();
      for (const tag of op.tags ?? []) expect(tags.get(tag), `${where}: tag ${tag} undefined`).toBeTruthy();
      expect(op.security, `${where}: no security stated`).toBeDefined();
      for (const requirement of op.security!)
        for (const scheme of Object.keys(requirement))
          expect(doc.components.securitySchemes, `${where}: ${scheme}`).toHaveProperty(scheme);
      if (op.security!.length === 0) publicOps.push(op.operationId!);
    }
    expect(publicOps.sort()).toEqual(['live', 'login', 'ready', 'register', 'reportRum']);
  });

  it('closes every request body and response object (unknown properties are refused)', async () => {
    const doc = await document();
    const open: string[] = [];
    const visit = (schema: Schema | undefined, where: string, seen: Set<string>): void => {
      if (!schema) return;
      if (schema.$ref) {
        const name = schema.$ref.split('/').pop()!;
        if (!seen.has(name)) {
          seen.add(name);
          visit(doc.components.schemas[name], name, seen);
        }
        return;
      }
      if (schema.properties && schema.additionalProperties === undefined) open.push(where);
      for (const [key, child] of Object.entries(schema.properties ?? {}))
        visit(child, `${where}.${key}`, seen);
      visit(schema.items, `${where}[]`, seen);
    };
    for (const { where, op } of operationsOf(doc)) {
      for (const media of Object.values(op.requestBody?.content ?? {})) visit(media.schema, where, new Set());
      for (const [status, res] of Object.entries(op.responses))
        for (const media of Object.values(res.content ?? {}))
          visit(media.schema, `${where} ${status}`, new Set());
    }
    expect(open).toEqual([]);
  });
});
