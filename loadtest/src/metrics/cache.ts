/**
 * The API's cache hit ratio over a run, from its /metrics before and after (the counter named in
 * the contracts), so a cache-on vs CACHE_ENABLED=false comparison shows what the cache did.
 */
import { CACHE_RESULTS, METRICS } from '@taskboard/contracts';

type CacheResult = (typeof CACHE_RESULTS)[number];
export type CacheCounters = Readonly<Record<CacheResult, number>>;

/**
 * Sums `taskboard_cache_operations_total` by its `result` label from the Prometheus text format.
 * Only this one counter is read: a sample line is `name{labels} value [timestamp]`.
 */
export function cacheCounters(metricsText: string): CacheCounters {
  const counters = Object.fromEntries(CACHE_RESULTS.map((r) => [r, 0])) as Record<CacheResult, number>;
  const name = METRICS.cacheOperations.name;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const match = /^[^{]+\{(.*)\}\s+(\S+)/.exec(line);
    const result = /(?:^|,)result="([^"]*)"/.exec(match?.[1] ?? '')?.[1] as CacheResult | undefined;
    const value = Number(match?.[2]);
    if (result && result in counters && Number.isFinite(value)) counters[result] += value;
  }
  return counters;
}

export type CacheScrape = { readonly counters: CacheCounters } | { readonly unavailable: string };

export async function scrapeCache(metricsUrl: string): Promise<CacheScrape> {
  try {
    const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return { unavailable: `${metricsUrl} answered ${response.status}` };
    return { counters: cacheCounters(await response.text()) };
  } catch (error) {
    return { unavailable: `${metricsUrl}: ${(error as Error).message}` };
  }
}

export interface CacheUse {
  readonly hits: number;
  readonly misses: number;
  /** hits / (hits + misses) during the run; null when there was no lookup (cache disabled). */
  readonly hitRatio: number | null;
}

export function cacheUse(
  before: CacheScrape,
  after: CacheScrape,
): CacheUse | { readonly unavailable: string } {
  if ('unavailable' in before) return before;
  if ('unavailable' in after) return after;
  const hits = after.counters.hit - before.counters.hit;
  const misses = after.counters.miss - before.counters.miss;
  return { hits, misses, hitRatio: hits + misses > 0 ? hits / (hits + misses) : null };
}
