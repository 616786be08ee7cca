import {
  type FrontendErrorKind,
  RUM_LIMITS,
  RUM_PATH,
  type RumError,
  type RumReport,
  type RumVital,
  SPA_PAGE_NAMES,
  SPA_PAGES,
  type SpaPage,
} from '@taskboard/contracts';
import type { App } from 'vue';
import type { Router } from 'vue-router';
import { type Metric, onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';

export type Transport = (report: RumReport) => void;

/** keepalive lets the last report of a closing tab still reach the API. */
const fetchTransport: Transport = (report) => {
  fetch(RUM_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(report),
    keepalive: true,
    credentials: 'omit',
  }).catch(() => {
    // Monitoring must never disturb the user: a lost report is acceptable.
  });
};

/** A route name from the contract's allow-list; anything else is the not-found page. */
export function pageOf(name: unknown): SpaPage {
  return SPA_PAGE_NAMES.includes(name as SpaPage) ? (name as SpaPage) : SPA_PAGES.notFound;
}

/** Errors per page load that are reported at all: a render loop must not flood the endpoint. */
const MAX_ERRORS_PER_PAGE = 30;
const FLUSH_DELAY_MS = 2000;

/**
 * Collects web vitals and uncaught errors and sends them in small batches: shortly after they
 * happen, and at once when the page is hidden (where LCP, CLS and INP are finalised).
 */
export class RumCollector {
  /** Queued per page, so a vital is labelled with the page it was measured on, not the one open at flush time. */
  private readonly queued = new Map<SpaPage, { vitals: RumVital[]; errors: RumError[] }>();
  private errorsSeen = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly page: () => SpaPage,
    private readonly transport: Transport = fetchTransport,
  ) {}

  vital(metric: Pick<Metric, 'name' | 'value'>): void {
    if (!Number.isFinite(metric.value) || metric.value < 0) return;
    const cap = metric.name === 'CLS' ? RUM_LIMITS.maxCls : RUM_LIMITS.maxTimingMs;
    this.queue().vitals.push({ name: metric.name as RumVital['name'], value: Math.min(metric.value, cap) });
    this.schedule();
  }

  error(kind: FrontendErrorKind, reason: unknown): void {
    if (++this.errorsSeen > MAX_ERRORS_PER_PAGE) return;
    const text = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
    this.queue().errors.push({ kind, message: text.slice(0, RUM_LIMITS.maxErrorMessage) });
    this.schedule();
  }

  /** Sends everything queued, split so no report exceeds the endpoint's limits. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [route, q] of this.queued) {
      while (q.vitals.length || q.errors.length) {
        const report: RumReport = { route };
        const vitals = q.vitals.splice(0, RUM_LIMITS.maxVitalsPerReport);
        const errors = q.errors.splice(0, RUM_LIMITS.maxErrorsPerReport);
        if (vitals.length) report.vitals = vitals;
        if (errors.length) report.errors = errors;
        this.transport(report);
      }
    }
    this.queued.clear();
  }

  private queue() {
    const route = this.page();
    let q = this.queued.get(route);
    if (!q) {
      q = { vitals: [], errors: [] };
      this.queued.set(route, q);
    }
    return q;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS);
  }
}

export function startRum(app: App, router: Router, transport?: Transport): RumCollector {
  const rum = new RumCollector(() => pageOf(router.currentRoute.value.name), transport);
  const record = (m: Metric) => rum.vital(m);
  onLCP(record);
  onFCP(record);
  onTTFB(record);
  onINP(record);
  onCLS(record);

  window.addEventListener('error', (e) => rum.error('error', e.error ?? e.message));
  window.addEventListener('unhandledrejection', (e) => rum.error('unhandledrejection', e.reason));
  // Vue catches errors in components and hooks itself; without a handler they only reach the console.
  app.config.errorHandler = (err) => {
    rum.error('error', err);
    console.error(err);
  };
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') rum.flush();
  });
  return rum;
}
