/** A tiny client for the Prometheus HTTP API (instant queries and alert states). */

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface ActiveAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  value: string;
}

export class PrometheusApi {
  constructor(readonly baseUrl: string) {}

  async query(expr: string): Promise<Sample[]> {
    const res = await fetch(`${this.baseUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: Sample[] };
    };
    if (body.status !== 'success' || !body.data)
      throw new Error(`query failed (${body.error ?? res.status}): ${expr}`);
    return body.data.resultType === 'vector' ? body.data.result : [];
  }

  async value(expr: string): Promise<number | undefined> {
    const [first] = await this.query(expr);
    return first ? Number(first.value[1]) : undefined;
  }

  async alerts(): Promise<ActiveAlert[]> {
    const res = await fetch(`${this.baseUrl}/api/v1/alerts`);
    const body = (await res.json()) as { data: { alerts: ActiveAlert[] } };
    return body.data.alerts;
  }

  async ready(): Promise<boolean> {
    const res = await fetch(`${this.baseUrl}/-/ready`);
    return res.ok;
  }
}
