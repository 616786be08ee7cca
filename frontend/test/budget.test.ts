import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { COMPRESSIBLE, ENCODINGS, MIN_BYTES } from '../build/precompress';

/**
 * Issue budgets: what the browser must fetch before the first render. The login route's JS is
 * counted as sent (the precompressed brotli files the API serves to every current browser);
 * measured 39.9 KB (Vue, vue-router, Pinia, web-vitals, login) once the board became a lazy route.
 */
const BUDGET = { initialJsGzipBytes: 90 * 1024, cssGzipBytes: 20 * 1024, loginJsBrotliBytes: 44 * 1024 };

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const gz = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;

/** Files index.html makes the browser load up front: entry scripts, module preloads, stylesheets. */
function initialAssets(html: string) {
  const attr = (tag: string, name: string) => new RegExp(`${name}="([^"]+)"`).exec(tag)?.[1];
  const js: string[] = [];
  const css: string[] = [];
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    if (tag.startsWith('<script') && /type="module"/.test(tag)) js.push(attr(tag, 'src')!);
    else if (/rel="modulepreload"/.test(tag)) js.push(attr(tag, 'href')!);
    else if (/rel="stylesheet"/.test(tag)) css.push(attr(tag, 'href')!);
  }
  return { js: js.map((p) => p.replace(/^\//, '')), css: css.map((p) => p.replace(/^\//, '')) };
}

describe('bundle budget (over the production build)', () => {
  it('has a build to measure (run `make build-frontend` first)', () => {
    expect(existsSync(join(DIST, 'index.html'))).toBe(true);
  });

  const html = existsSync(join(DIST, 'index.html')) ? readFileSync(join(DIST, 'index.html'), 'utf8') : '';
  const { js, css } = initialAssets(html);

  it(`initial JS ≤ ${BUDGET.initialJsGzipBytes / 1024} KB gzip`, () => {
    expect(js.length).toBeGreaterThan(0);
    const total = js.reduce((sum, f) => sum + gz(f), 0);
    console.log(`initial JS: ${js.join(', ')} = ${(total / 1024).toFixed(1)} KB gzip`);
    expect(total).toBeLessThanOrEqual(BUDGET.initialJsGzipBytes);
  });

  it(`CSS ≤ ${BUDGET.cssGzipBytes / 1024} KB gzip`, () => {
    expect(css.length).toBeGreaterThan(0);
    const total = css.reduce((sum, f) => sum + gz(f), 0);
    console.log(`CSS: ${css.join(', ')} = ${(total / 1024).toFixed(1)} KB gzip`);
    expect(total).toBeLessThanOrEqual(BUDGET.cssGzipBytes);
  });

  it(`login route JS ≤ ${BUDGET.loginJsBrotliBytes / 1024} KB as sent (brotli), without the board's code`, () => {
    expect(js.length).toBeGreaterThan(0);
    // The board is a lazy route: no chunk of it may be loaded up front by index.html.
    // (the board's ready mark is a string only its code contains, whatever the chunking).
    expect(js.filter((f) => /BoardView|tasks\.store/.test(f))).toEqual([]);
    for (const f of js) expect(readFileSync(join(DIST, f), 'utf8'), f).not.toContain('taskboard:board-ready');
    const total = js.reduce((sum, f) => sum + readFileSync(join(DIST, f + ENCODINGS.br)).length, 0);
    console.log(`login route JS: ${js.join(', ')} = ${(total / 1024).toFixed(1)} KB brotli`);
    expect(total).toBeLessThanOrEqual(BUDGET.loginJsBrotliBytes);
  });

  it(`has brotli and gzip variants of every text file ≥ ${MIN_BYTES} bytes, decoding to the file`, () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true }))
        if (e.isDirectory()) walk(join(dir, e.name));
        else files.push(relative(DIST, join(dir, e.name)));
    };
    walk(DIST);
    const text = files.filter((f) => COMPRESSIBLE.test(f) && readFileSync(join(DIST, f)).length >= MIN_BYTES);
    expect(text).toContain('index.html');
    expect(text.filter((f) => f.endsWith('.js')).length).toBeGreaterThanOrEqual(2); // entry + the board
    for (const f of text) {
      const raw = readFileSync(join(DIST, f));
      expect(brotliDecompressSync(readFileSync(join(DIST, f + ENCODINGS.br))).equals(raw), f).toBe(true);
      expect(gunzipSync(readFileSync(join(DIST, f + ENCODINGS.gzip))).equals(raw), f).toBe(true);
    }
  });

  it('ships no inline script or style (the CSP forbids them)', () => {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\sstyle="/);
  });
});
