import type { Prometheus } from './ports';

/** The PromQL `make chaos` polls: firing instances of the named alerts. */
export function firingQuery(names: string[]): string {
  // Alert names are metric-name-like; anything else would need regex and string escaping.
  const bad = names.filter((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
  if (bad.length > 0) throw new Error(`not an alert name: ${bad.join(', ')}`);
  return `ALERTS{alertstate="firing",alertname=~"${names.join('|')}"}`;
}

/** Prometheus's HTTP API (/api/v1/query), through the port-forward. */
export class HttpPrometheus implements Prometheus {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async firing(names: string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const url = `${this.baseUrl}/api/v1/query?query=${encodeURIComponent(firingQuery(names))}`;
    const res = await this.fetchImpl(url, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data?: { result: { metric: Record<string, string> }[] };
    };
    if (!res.ok || body.status !== 'success')
      throw new Error(`Prometheus query failed (${res.status}): ${body.error ?? 'no error text'}`);
    return new Set((body.data?.result ?? []).map((r) => r.metric.alertname).filter((n): n is string => !!n));
  }
}
