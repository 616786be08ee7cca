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

  private async get<T>(path: string, params: Record<string, string>): Promise<T> {
    const url = `${this.baseUrl}${path}?${new URLSearchParams(params)}`;
    const res = await this.fetchImpl(url, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { status: string; error?: string; data?: T };
    if (!res.ok || body.status !== 'success' || body.data === undefined)
      throw new Error(`Prometheus query failed (${res.status}): ${body.error ?? 'no error text'}`);
    return body.data;
  }

  async firing(names: string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const data = await this.get<{ result: { metric: Record<string, string> }[] }>('/api/v1/query', {
      query: firingQuery(names),
    });
    return new Set(data.result.map((r) => r.metric.alertname).filter((n): n is string => !!n));
  }

  async range(query: string, start: Date, end: Date, stepSeconds: number): Promise<[number, number][]> {
    const data = await this.get<{ result: { values: [number, string][] }[] }>('/api/v1/query_range', {
      query,
      start: String(start.getTime() / 1000),
      end: String(end.getTime() / 1000),
      step: String(stepSeconds),
    });
    return (data.result[0]?.values ?? [])
      .map(([t, v]): [number, number] => [t, Number(v)])
      .filter(([, v]) => Number.isFinite(v));
  }
}
