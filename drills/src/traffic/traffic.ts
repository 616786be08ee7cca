import { API_PATHS } from '@taskboard/contracts';

/** One request as the client saw it. status 0: no answer (refused, reset or timed out). */
export interface RequestRecord {
  /** Drill-clock milliseconds when the request started. */
  at: number;
  op: 'create' | 'list' | 'get';
  status: number;
  latencyMs: number;
}

export interface TrafficResult {
  records: RequestRecord[];
  /** IDs of tasks whose creation the API acknowledged (201): each must exist afterwards. */
  acknowledged: string[];
}

export interface TrafficOptions {
  baseUrl: string;
  virtualUsers: number;
  /** Requests per second per virtual user (paced; a slow answer delays the next request). */
  ratePerUser: number;
  clock: () => number;
  runId: string;
}

const REQUEST_TIMEOUT_MS = 5000;

async function call(url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  } catch {
    return { status: 0, body: undefined };
  }
}

/**
 * Bounded client traffic through the load balancer, recording every request. Each virtual user
 * registers, then loops create → list → get. Ours rather than Artillery's: the drill needs each
 * acknowledged write's id (to prove none is lost) and per-request timing on the drill's clock (to
 * place errors and latency against the fault window), which Artillery's 10 s aggregates lack.
 */
export class Traffic {
  private stopping = false;
  private loops: Promise<void>[] = [];
  private readonly result: TrafficResult = { records: [], acknowledged: [] };

  constructor(private readonly options: TrafficOptions) {}

  /** Registers the virtual users (fails if the system is not healthy to begin with), then starts them. */
  async start(): Promise<void> {
    const tokens = await Promise.all(
      Array.from({ length: this.options.virtualUsers }, (_, i) => this.signUp(i)),
    );
    this.loops = tokens.map((token, i) => this.loop(token, i));
  }

  private async signUp(i: number): Promise<string> {
    const user = { email: `${this.options.runId}-vu${i}@drill.example.org`, password: 'drill password 1234' };
    const registered = await call(`${this.options.baseUrl}${API_PATHS.register}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(user),
    });
    const login = await call(`${this.options.baseUrl}${API_PATHS.login}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(user),
    });
    const token = (login.body as { accessToken?: string } | undefined)?.accessToken;
    if (registered.status !== 201 || !token)
      throw new Error(`virtual user ${i} could not register/login (${registered.status}/${login.status})`);
    return token;
  }

  private async loop(token: string, vu: number): Promise<void> {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const pause = 1000 / this.options.ratePerUser;
    let lastId: string | undefined;
    let n = 0;
    while (!this.stopping) {
      const op: RequestRecord['op'] = n % 3 === 0 ? 'create' : n % 3 === 1 ? 'list' : lastId ? 'get' : 'list';
      const began = this.options.clock();
      const t0 = performance.now();
      let res: { status: number; body: unknown };
      if (op === 'create') {
        res = await call(`${this.options.baseUrl}${API_PATHS.tasks}`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ title: `drill vu${vu} #${n}` }),
        });
        const id = (res.body as { id?: string } | undefined)?.id;
        if (res.status === 201 && id) {
          this.result.acknowledged.push(id);
          lastId = id;
        }
      } else if (op === 'list') {
        res = await call(`${this.options.baseUrl}${API_PATHS.tasks}`, { headers });
      } else {
        res = await call(`${this.options.baseUrl}${API_PATHS.task.replace(':id', lastId ?? '')}`, {
          headers,
        });
      }
      const latencyMs = performance.now() - t0;
      this.result.records.push({ at: began, op, status: res.status, latencyMs });
      n++;
      if (latencyMs < pause) await new Promise((r) => setTimeout(r, pause - latencyMs));
    }
  }

  async stop(): Promise<TrafficResult> {
    this.stopping = true;
    await Promise.all(this.loops);
    return this.result;
  }
}
