import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SPA_CACHE_CONTROL, SPA_SECURITY_HEADERS } from '@taskboard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const NGINX_DIR = join(HERE, '..', 'nginx');
const DIST = join(HERE, '..', 'dist');
const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

let prefix: string;
let nginx: ChildProcess;
let base: string;
let stderr = '';

/**
 * The repository's nginx config, served by Debian's nginx from a temporary prefix holding a copy
 * of the build. The only change is the listen address: an ephemeral loopback port instead of 8080.
 */
beforeAll(async () => {
  prefix = mkdtempSync(join(tmpdir(), 'taskboard-nginx-'));
  const conf = join(prefix, 'conf');
  mkdirSync(conf);
  cpSync(DIST, join(prefix, 'html'), { recursive: true });
  cpSync(join(NGINX_DIR, 'security-headers.conf'), join(conf, 'security-headers.conf'));
  const port = await freePort();
  const original = readFileSync(join(NGINX_DIR, 'nginx.conf'), 'utf8');
  const config = original
    .replace(/listen 8080;/, `listen 127.0.0.1:${port};`)
    .replace(/pid \/tmp\/nginx.pid;/, `pid ${prefix}/nginx.pid;`);
  expect(config).not.toBe(original);
  writeFileSync(join(conf, 'nginx.conf'), config);
  // Workers drop to an unprivileged user when the test runs as root: they must read the prefix.
  chmodSync(prefix, 0o755);
  nginx = spawn(NGINX, ['-p', `${prefix}/`, '-c', join(conf, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  nginx.stderr?.on('data', (d) => (stderr += String(d)));
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${base}/healthz`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`nginx did not start: ${stderr}`);
});

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((r) => nginx.once('exit', r));
    nginx.kill('SIGQUIT');
    await exited;
  }
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

const html = { accept: 'text/html,application/xhtml+xml' };
const hashedAsset = () => readdirSync(join(DIST, 'assets')).find((f) => f.endsWith('.js'))!;

function expectSecurityHeaders(res: Response) {
  for (const [name, value] of Object.entries(SPA_SECURITY_HEADERS))
    expect(res.headers.get(name), name).toBe(value);
}

describe('nginx config (Debian nginx serving the build)', () => {
  it('passes nginx -t as committed', () => {
    // stdout is /dev/null, as in a container: the access log opens /dev/stdout, which cannot be
    // opened when it is the socket Node gives a child for a piped stdout.
    const run = spawnSync(NGINX, ['-t', '-c', join(NGINX_DIR, 'nginx.conf')], {
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    expect(run.stderr).toContain('test is successful');
    expect(run.status).toBe(0);
  });

  it('serves index.html at / with no-cache and the security headers, even without Accept', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe(SPA_CACHE_CONTROL.index);
    expectSecurityHeaders(res);
    expect(await res.text()).toContain('<div id="app">');
  });

  it('falls back to index.html for client-side routes that a browser navigates to', async () => {
    for (const path of ['/login', '/register', '/some/deep/link?x=1']) {
      const res = await fetch(base + path, { headers: html });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control')).toBe(SPA_CACHE_CONTROL.index);
      expectSecurityHeaders(res);
      expect(await res.text()).toContain('<div id="app">');
    }
  });

  it('caches hashed assets for a year as immutable, gzipped, with the security headers', async () => {
    const res = await fetch(`${base}/assets/${hashedAsset()}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe(SPA_CACHE_CONTROL.hashedAsset);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expectSecurityHeaders(res);
  });

  it('sends the build-time .gz file itself (gzip_static), byte for byte, with Vary', async () => {
    const asset = `assets/${hashedAsset()}`;
    const raw = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      request(`${base}/${asset}`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(String(raw.headers.vary)).toMatch(/accept-encoding/i);
    // On-the-fly gzip (level 6) would differ from the level-9 file the build wrote.
    expect(raw.body.equals(readFileSync(join(DIST, `${asset}.gz`)))).toBe(true);
  });

  it('answers 404, never HTML, for a missing asset or a non-browser request', async () => {
    const missing = await fetch(`${base}/assets/index-deadbeef.js`, { headers: html });
    expect(missing.status).toBe(404);
    const api = await fetch(`${base}/login`, { headers: { accept: 'application/json' } });
    expect(api.status).toBe(404);
  });

  it('does not serve the SPA for API paths the ingress should have routed elsewhere', async () => {
    for (const path of ['/api/tasks', '/health', '/metrics', '/docs']) {
      const res = await fetch(base + path, { headers: html });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
    }
  });

  it('has a probe endpoint and hides its version', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(await res.text()).toBe('ok\n');
    expect(res.headers.get('server')).toBe('nginx');
  });

  it('logged no errors', () => {
    expect(existsSync(join(prefix, 'html', 'index.html'))).toBe(true);
    expect(stderr).not.toMatch(/\[(error|crit|alert|emerg)\]/);
  });
});
