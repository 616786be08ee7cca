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
const SIGN_UP_DEADLINE_MS = 60_000;

async function call(
  url: string,
  init: RequestInit,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<{ status: number; body: unknown }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
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

  /**
   * Registers and logs in one virtual user. This is setup, not the measured drill: argon2 hashing on a
   * starved CPU can take seconds, so each step is retried (a registration that timed out may have
   * happened: 409 then means done) until SIGN_UP_DEADLINE_MS.
   */
  private async signUp(i: number): Promise<string> {
    const user = { email: `${this.options.runId}-vu${i}@drill.example.org`, password: 'drill password 1234' };
    const post = (path: string) =>
      call(
        `${this.options.baseUrl}${path}`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) },
        SIGN_UP_DEADLINE_MS,
      );
    const deadline = Date.now() + SIGN_UP_DEADLINE_MS;
    let registered = 0;
    let loggedIn = 0;
    while (Date.now() < deadline) {
      if (registered !== 201 && registered !== 409) registered = (await post(API_PATHS.register)).status;
      if (registered === 201 || registered === 409) {
        const login = await post(API_PATHS.login);
        loggedIn = login.status;
        const token = (login.body as { accessToken?: string } | undefined)?.accessToken;
        if (login.status === 200 && token) return token;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(
      `virtual user ${i} could not register/login within ${SIGN_UP_DEADLINE_MS / 1000} s (${registered}/${loggedIn})`,
    );
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
