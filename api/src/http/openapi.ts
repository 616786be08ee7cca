import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { REFRESH_COOKIE } from '@taskboard/contracts';
import { AuthModule } from '../auth/auth.module';
import { HealthModule } from '../health/health.module';
import { RumModule } from '../rum/rum.module';
import { TasksModule } from '../tasks/tasks.module';
import { BEARER_SCHEME, REFRESH_COOKIE_SCHEME } from './openapi.responses';

/** Tags in the order a reader meets them; every tag an operation uses is defined here. */
const TAGS: Record<string, string> = {
  auth: 'Accounts and sessions: register, log in, rotate the refresh cookie, log out',
  tasks: "The caller's own tasks: create, list (filter, sort, cursor pages), read, update, delete",
  rum: 'Real-user monitoring reports from the SPA (anonymous, rate limited)',
  health: 'Liveness and readiness probes for load balancers and Kubernetes',
};

/** The OpenAPI document (served at /docs, JSON at /docs/json), built from the decorators. */
export function setupOpenApi(app: INestApplication): void {
  let builder = new DocumentBuilder()
    .setTitle('taskboard API')
    .setDescription(
      'Tasks with JWT auth. Refresh tokens travel only in an httpOnly cookie scoped to /api/auth. ' +
        'Every error is an ApiError with the request id; unknown body fields are refused with 400.',
    )
    .setVersion('1.0')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    // Relative: the document is served by the API itself, so clients resolve it against its origin.
    .addServer('/')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from login/refresh' },
      BEARER_SCHEME,
    )
    .addCookieAuth(
      REFRESH_COOKIE.name,
      { type: 'apiKey', in: 'cookie', description: 'httpOnly refresh token set by login/register/refresh' },
      REFRESH_COOKIE_SCHEME,
    );
  for (const [name, description] of Object.entries(TAGS)) builder = builder.addTag(name, description);
  const config = builder.build();
  // The API's own modules only: /metrics is for Prometheus, not for generated clients (and in
  // production it is not even on this listener).
  const include = [AuthModule, TasksModule, RumModule, HealthModule];
  SwaggerModule.setup(
    'docs',
    app,
    () => closeObjectSchemas(SwaggerModule.createDocument(app, config, { include })),
    { jsonDocumentUrl: 'docs/json' },
  );
}

/**
 * Post-processing, because @nestjs/swagger cannot say it: a class schema has no
 * `additionalProperties` option (@ApiSchema takes a name and a description only). Every
 * object schema a request body or a response reaches is closed here, in one place:
 * - request bodies: the global StrictValidationPipe refuses unknown fields (forbidNonWhitelisted);
 * - responses: handlers return exactly the contracts' interfaces (the conformance test checks
 *   real traffic against this).
 * Open maps (ApiError.fields, the readiness report's indicators) declare their own
 * `additionalProperties` and are left as they are.
 */
export function closeObjectSchemas(doc: OpenAPIObject): OpenAPIObject {
  const schemas = doc.components?.schemas ?? {};
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const obj = node as Record<string, unknown>;
    const ref = obj.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      if (!seen.has(name)) {
        seen.add(name);
        visit(schemas[name]);
      }
      return;
    }
    if (obj.properties && typeof obj.properties === 'object' && obj.additionalProperties === undefined) {
      obj.additionalProperties = false;
    }
    for (const value of Object.values(obj)) visit(value);
  };
  for (const path of Object.values(doc.paths)) {
    for (const op of Object.values(path) as { requestBody?: unknown; responses?: unknown }[]) {
      visit(op?.requestBody);
      visit(op?.responses);
    }
  }
  return doc;
}
