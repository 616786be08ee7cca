/**
 * A client for toxiproxy's HTTP API (v2.5): the drill's fault proxy between the API replicas and
 * PostgreSQL/Redis. Disabling a proxy closes its connections and refuses new ones (a dependency
 * outage without stopping the shared server); toxics add latency, stalls and resets.
 */
export interface Toxic {
  name: string;
  type: 'latency' | 'timeout' | 'reset_peer' | 'bandwidth' | 'slow_close' | 'slicer' | 'limit_data';
  stream: 'upstream' | 'downstream';
  /** Share of connections the toxic applies to (0..1). */
  toxicity: number;
  attributes: Record<string, number>;
}

export class Toxiproxy {
  constructor(readonly baseUrl: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`toxiproxy ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  async version(): Promise<string> {
    const res = await fetch(`${this.baseUrl}/version`, { signal: AbortSignal.timeout(2000) });
    return (await res.text()).trim();
  }

  createProxy(name: string, listen: string, upstream: string): Promise<unknown> {
    return this.call('POST', '/proxies', { name, listen, upstream, enabled: true });
  }

  /** enabled=false: every open connection is closed and new ones are refused. */
  setEnabled(name: string, enabled: boolean): Promise<unknown> {
    return this.call('POST', `/proxies/${name}`, { enabled });
  }

  addToxic(proxy: string, toxic: Toxic): Promise<unknown> {
    return this.call('POST', `/proxies/${proxy}/toxics`, toxic);
  }

  removeToxic(proxy: string, toxic: string): Promise<unknown> {
    return this.call('DELETE', `/proxies/${proxy}/toxics/${toxic}`);
  }

  /** Every proxy enabled, every toxic removed. */
  reset(): Promise<unknown> {
    return this.call('POST', '/reset');
  }
}
