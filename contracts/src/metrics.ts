/**
 * The observability contract (ARCHITECTURE.md §5): every metric the API exposes, with its
 * labels and buckets. The API creates metrics from these objects; dashboards, rules and load
 * tests import the same names, so a rename breaks the build instead of silently breaking a panel.
 */

/** Buckets must contain every latency SLO threshold (prom-client's defaults lack 0.2 and 0.3). */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5] as const;

/** Route label for requests that matched no route, so scanners cannot blow up cardinality. */
export const UNMATCHED_ROUTE = '<unmatched>';

/** Metric prefix of prom-client's default process/Node.js collectors (none: the standard names). */
export const DEFAULT_METRICS_PREFIX = '';

export interface MetricSpec<L extends string = string> {
  readonly name: string;
  readonly help: string;
  readonly labels: readonly L[];
}

export interface HistogramSpec<L extends string = string> extends MetricSpec<L> {
  readonly buckets: readonly number[];
}

function metric<const L extends string>(name: string, help: string, labels: readonly L[]): MetricSpec<L> {
  return { name, help, labels };
}

function histogram<const L extends string>(
  name: string,
  help: string,
  labels: readonly L[],
  buckets: readonly number[],
): HistogramSpec<L> {
  return { name, help, labels, buckets };
}

export const METRICS = {
  httpRequestDuration: histogram(
    'http_request_duration_seconds',
    'Duration of HTTP requests in seconds, by route template.',
    ['method', 'route', 'status_code'],
    HTTP_DURATION_BUCKETS,
  ),
  httpRequestsInFlight: metric('http_requests_in_flight', 'HTTP requests being served right now.', []),
  cacheOperations: metric(
    'taskboard_cache_operations_total',
    'Cache lookups and writes by result (hit, miss, error, write, invalidate).',
    ['cache', 'result'],
  ),
  cacheUp: metric('taskboard_cache_up', '1 when the configured cache backend answers, 0 while degraded.', [
    'backend',
  ]),
  dbPoolConnections: metric(
    'taskboard_db_pool_connections',
    'Database pool connections by state (total, idle, waiting clients).',
    ['state'],
  ),
  dbPoolMax: metric('taskboard_db_pool_max_connections', 'Configured maximum size of the database pool.', []),
  dbQueryDuration: histogram(
    'taskboard_db_query_duration_seconds',
    'Duration of database operations issued by the service layer, by operation.',
    ['operation', 'outcome'],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  ),
  dbUp: metric('taskboard_db_up', '1 when the last readiness probe reached the database.', []),
  authAttempts: metric('taskboard_auth_attempts_total', 'Authentication attempts by action and result.', [
    'action',
    'result',
  ]),
  tasksCreated: metric('taskboard_tasks_created_total', 'Tasks created.', []),
  tasksCompleted: metric('taskboard_tasks_completed_total', 'Tasks moved to DONE.', []),
  rateLimited: metric('taskboard_rate_limited_total', 'Requests refused by the rate limiter, by route.', [
    'route',
  ]),
} as const;

/** Bounded label values, so a test can prove cardinality stays fixed. */
export const CACHE_RESULTS = ['hit', 'miss', 'error', 'write', 'invalidate'] as const;
export const AUTH_ACTIONS = ['register', 'login', 'refresh', 'logout'] as const;
export const AUTH_RESULTS = ['success', 'failure', 'rate_limited', 'reuse_detected'] as const;
export const DB_POOL_STATES = ['total', 'idle', 'waiting'] as const;

/** Routes excluded from availability and latency SLIs (probes and scrapes are not user traffic). */
export const NON_USER_ROUTES = ['/health', '/health/ready', '/metrics'] as const;

/**
 * Real-user monitoring (POST /api/rum): what the SPA measures in browsers, recorded by the API.
 * Timing vitals share one histogram labelled by vital; CLS is unitless, so it has its own.
 * Buckets contain the web.dev "good"/"poor" thresholds of every vital (INP 0.2/0.5, TTFB 0.8/1.8,
 * FCP 1.8/3, LCP 2.5/4; CLS 0.1/0.25) so dashboards can show the share of good experiences.
 */
export const WEB_VITAL_TIMINGS = ['LCP', 'FCP', 'TTFB', 'INP'] as const;
export const WEB_VITALS = [...WEB_VITAL_TIMINGS, 'CLS'] as const;
export type WebVital = (typeof WEB_VITALS)[number];

/** Kinds of uncaught browser errors the SPA reports. */
export const FRONTEND_ERROR_KINDS = ['error', 'unhandledrejection'] as const;
export type FrontendErrorKind = (typeof FRONTEND_ERROR_KINDS)[number];

/**
 * The SPA's page names: the router names its routes with these values and the RUM endpoint
 * accepts only these as the `route` label, so label cardinality is fixed (never a raw URL).
 */
export const SPA_PAGES = {
  login: 'login',
  register: 'register',
  board: 'board',
  notFound: 'not-found',
} as const;
export type SpaPage = (typeof SPA_PAGES)[keyof typeof SPA_PAGES];
export const SPA_PAGE_NAMES = Object.values(SPA_PAGES) as SpaPage[];

export const RUM_METRICS = {
  webVitalsSeconds: histogram(
    'taskboard_web_vitals_seconds',
    'Web vitals measured in users’ browsers (LCP, FCP, TTFB, INP) in seconds, by vital and SPA page.',
    ['metric', 'route'],
    [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.8, 2.5, 3, 4, 6, 10],
  ),
  webVitalsCls: histogram(
    'taskboard_web_vitals_cls',
    'Cumulative layout shift measured in users’ browsers (unitless), by SPA page.',
    ['route'],
    [0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1],
  ),
  frontendErrors: metric(
    'taskboard_frontend_errors_total',
    'Uncaught errors and unhandled promise rejections in users’ browsers, by SPA page and kind.',
    ['route', 'kind'],
  ),
} as const;
