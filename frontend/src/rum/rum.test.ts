import { RUM_LIMITS, type RumReport, SPA_PAGE_NAMES } from '@taskboard/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory } from 'vue-router';
import { createAppRouter } from '../router';
import { pageOf, RumCollector } from './rum';

afterEach(() => vi.useRealTimers());

describe('RUM', () => {
  it('labels reports only with the router’s page names', () => {
    const router = createAppRouter(createMemoryHistory());
    const names = router.getRoutes().map((r) => r.name);
    expect(new Set(names)).toEqual(new Set(SPA_PAGE_NAMES));
    expect(pageOf('board')).toBe('board');
    expect(pageOf('/tasks/123?token=secret')).toBe('not-found');
    expect(pageOf(undefined)).toBe('not-found');
  });

  it('batches vitals and errors, and sends them shortly after', () => {
    vi.useFakeTimers();
    const sent: RumReport[] = [];
    const rum = new RumCollector(
      () => 'board',
      (r) => sent.push(r),
    );
    rum.vital({ name: 'FCP', value: 120 });
    rum.vital({ name: 'TTFB', value: 15 });
    rum.error('unhandledrejection', new TypeError('x is undefined'));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(2500);
    expect(sent).toEqual([
      {
        route: 'board',
        vitals: [
          { name: 'FCP', value: 120 },
          { name: 'TTFB', value: 15 },
        ],
        errors: [{ kind: 'unhandledrejection', message: 'TypeError: x is undefined' }],
      },
    ]);
  });

  it('keeps every report within the endpoint’s limits', () => {
    const sent: RumReport[] = [];
    const rum = new RumCollector(
      () => 'login',
      (r) => sent.push(r),
    );
    for (let i = 0; i < RUM_LIMITS.maxVitalsPerReport * 2 + 1; i++) rum.vital({ name: 'INP', value: i });
    rum.vital({ name: 'LCP', value: 10 * RUM_LIMITS.maxTimingMs });
    rum.vital({ name: 'CLS', value: Number.NaN });
    rum.error('error', 'x'.repeat(5000));
    rum.flush();
    expect(sent.length).toBe(3);
    for (const r of sent) {
      expect(r.vitals?.length ?? 0).toBeLessThanOrEqual(RUM_LIMITS.maxVitalsPerReport);
      expect(new TextEncoder().encode(JSON.stringify(r)).length).toBeLessThanOrEqual(RUM_LIMITS.maxBodyBytes);
    }
    const all = sent.flatMap((r) => r.vitals ?? []);
    expect(all.find((v) => v.name === 'LCP')?.value).toBe(RUM_LIMITS.maxTimingMs);
    expect(all.some((v) => v.name === 'CLS')).toBe(false);
    expect(sent[0]?.errors?.[0]?.message).toHaveLength(RUM_LIMITS.maxErrorMessage);
  });

  it('labels each vital with the page it was measured on', () => {
    const sent: RumReport[] = [];
    let page: 'login' | 'board' = 'login';
    const rum = new RumCollector(
      () => page,
      (r) => sent.push(r),
    );
    rum.vital({ name: 'FCP', value: 90 });
    page = 'board';
    rum.vital({ name: 'INP', value: 40 });
    rum.flush();
    expect(sent).toEqual([
      { route: 'login', vitals: [{ name: 'FCP', value: 90 }] },
      { route: 'board', vitals: [{ name: 'INP', value: 40 }] },
    ]);
    rum.flush();
    expect(sent).toHaveLength(2);
  });

  it('stops reporting errors after a burst (a render loop must not flood the API)', () => {
    const sent: RumReport[] = [];
    const rum = new RumCollector(
      () => 'board',
      (r) => sent.push(r),
    );
    for (let i = 0; i < 1000; i++) rum.error('error', `e${i}`);
    rum.flush();
    const errors = sent.flatMap((r) => r.errors ?? []);
    expect(errors.length).toBeLessThan(100);
    expect(errors.length).toBeGreaterThan(0);
  });
});
