import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** Issue budget: what the browser must fetch before the first render. */
const BUDGET = { initialJsGzipBytes: 90 * 1024, cssGzipBytes: 20 * 1024 };

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

  it('ships no inline script or style (the CSP forbids them)', () => {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\sstyle="/);
  });
});
