import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { SPA_CACHE_CONTROL, SPA_SECURITY_HEADERS } from '@taskboard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODE } from '../support/env';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let dir: string;

const INDEX = `<!doctype html><html><head><title>taskboard</title></head><body><div id="app"></div>${'<!-- padding -->'.repeat(40)}<script type="module" src="/assets/app-3f2a1b.js"></script></body></html>`;
const APP_JS = `export const app = ${JSON.stringify('taskboard '.repeat(500))};`;

/** A stand-in build as frontend/build/precompress.ts writes it: .br and .gz beside text files. */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'taskboard-spa-br-'));
  mkdirSync(join(dir, 'assets'));
  const write = (name: string, text: string, variants: boolean) => {
    writeFileSync(join(dir, name), text);
    if (!variants) return;
    writeFileSync(join(dir, `${name}.br`), brotliCompressSync(text));
    writeFileSync(join(dir, `${name}.gz`), gzipSync(text));
  };
  write('index.html', INDEX, true);
  write('assets/app-3f2a1b.js', APP_JS, true);
  write('robots.txt', 'User-agent: *\n', false); // too small to be worth a variant
  t = await startTestApp({ env: { SPA_DIR: dir } });
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes on the wire (fetch would decode them). */
  body: Buffer;
}

function get(path: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const decode: Record<string, (b: Buffer) => Buffer> = {
  br: brotliDecompressSync,
  gzip: gunzipSync,
  identity: (b) => b,
};

function expectVaries(res: Raw) {
  expect(String(res.headers.vary).toLowerCase()).toContain('accept-encoding');
}

describe(`precompressed SPA assets served by the API (${MODE})`, () => {
  it.each([
    ['br, gzip, deflate', 'br'],
    ['gzip, deflate, br;q=0', 'gzip'],
    ['gzip', 'gzip'],
    ['identity', 'identity'],
    ['', 'identity'],
  ])('Accept-Encoding "%s" → %s for a hashed asset, same bytes once decoded', async (accept, encoding) => {
    const res = await get('/assets/app-3f2a1b.js', { 'accept-encoding': accept });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding'] ?? 'identity').toBe(encoding);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe(SPA_CACHE_CONTROL.hashedAsset);
    for (const [name, value] of Object.entries(SPA_SECURITY_HEADERS))
      expect(res.headers[name.toLowerCase()]).toBe(value);
    expectVaries(res);
    expect(decode[encoding]!(res.body).toString()).toBe(APP_JS);
    if (encoding !== 'identity') expect(res.body.length).toBeLessThan(APP_JS.length / 4);
  });

  it('compresses the app shell at / and on history fallbacks, still as HTML and no-cache', async () => {
    for (const path of ['/', '/login']) {
      const res = await get(path, { accept: 'text/html', 'accept-encoding': 'gzip, br' });
      expect(res.status, path).toBe(200);
      expect(res.headers['content-encoding'], path).toBe('br');
      expect(res.headers['content-type'], path).toMatch(/^text\/html/);
      expect(res.headers['cache-control'], path).toBe(SPA_CACHE_CONTROL.index);
      expectVaries(res);
      expect(brotliDecompressSync(res.body).toString(), path).toBe(INDEX);
    }
  });

  it('sends a file without a precompressed variant as it is', async () => {
    const res = await get('/robots.txt', { 'accept-encoding': 'br, gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString()).toBe('User-agent: *\n');
  });
});
