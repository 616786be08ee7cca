import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { API_PATHS, SPA_ASSETS_DIR, SPA_CACHE_CONTROL, SPA_SECURITY_HEADERS } from '@taskboard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Path prefixes that belong to the API: never answered with the SPA, even for a browser. */
export const API_PREFIXES = ['/api', API_PATHS.health, API_PATHS.metrics, API_PATHS.docs];

export class SpaDirError extends Error {}

/** Every file of the build, as URL paths. The build is immutable while the process runs. */
function listFiles(root: string): Set<string> {
  const files = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.add(`/${relative(root, full).split(sep).join('/')}`);
    }
  };
  walk(root);
  return files;
}

const isApiPath = (path: string) => API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
const acceptsHtml = (req: FastifyRequest) => (req.headers.accept ?? '').includes('text/html');

/**
 * Serves the built SPA from the API in local mode, so one origin serves everything (no CORS,
 * and the refresh cookie stays SameSite=Strict). Only files that exist in the build are
 * served, by exact name (no path is ever joined from user input); other browser navigations
 * get index.html so client-side routes survive a reload. API paths, missing assets and
 * non-HTML requests fall through to the API's JSON 404.
 */
export async function registerSpa(app: NestFastifyApplication, dir: string): Promise<void> {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new SpaDirError(
      `SPA_DIR ${dir} has no index.html: build the frontend (make build-frontend) or set SPA_DIR=""`,
    );
  }
  const files = listFiles(dir);
  const fastify = app.getHttpAdapter().getInstance();
  // serve: false: only reply.sendFile is added; the one route below decides what is served.
  // preCompressed: the build writes .br and .gz beside each text file (frontend/build/
  // precompress.ts); sendFile picks one by Accept-Encoding (brotli first), sets Content-Encoding
  // and Vary: Accept-Encoding, and falls back to the file itself when there is no variant.
  await fastify.register(fastifyStatic, {
    root: dir,
    serve: false,
    cacheControl: false,
    index: false,
    preCompressed: true,
  });

  const secure = (reply: FastifyReply) => {
    for (const [name, value] of Object.entries(SPA_SECURITY_HEADERS)) reply.header(name, value);
  };

  fastify.get('/*', (req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    if (isApiPath(path)) return reply.callNotFound();
    if (files.has(path) && path !== '/index.html') {
      secure(reply);
      const hashed = path.startsWith(`/${SPA_ASSETS_DIR}/`);
      reply.header('cache-control', hashed ? SPA_CACHE_CONTROL.hashedAsset : SPA_CACHE_CONTROL.other);
      return reply.sendFile(path.slice(1));
    }
    // A missing hashed asset (an old deploy's chunk) must 404: HTML served as a script breaks the page.
    if (path.startsWith(`/${SPA_ASSETS_DIR}/`)) return reply.callNotFound();
    // The root always gets the shell (probes send no Accept); deeper paths only for browsers.
    if (path !== '/' && !acceptsHtml(req)) return reply.callNotFound();
    secure(reply);
    reply.header('cache-control', SPA_CACHE_CONTROL.index);
    return reply.sendFile('index.html');
  });
}
