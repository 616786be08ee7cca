import { API_PATHS } from '@taskboard/contracts';
import autocannon from 'autocannon';
import { UPSTREAM_HEADER } from './nginx';

export interface TrafficReport {
  /** Responses received, and how many of them were not 2xx. */
  responses: number;
  non2xx: number;
  /** Connection errors and timeouts (a request that got no answer). */
  errors: number;
  timeouts: number;
  /** Responses per upstream that served them: proves the traffic reached each version. */
  byUpstream: Record<string, number>;
  /** The first non-2xx responses: path, status, the upstream that answered, and the body's start. */
  failures: string[];
  statusCodes: Record<string, number>;
  seconds: number;
  /** Requests per second actually achieved. */
  rate: number;
}

export interface Traffic {
  stop(): Promise<TrafficReport>;
}

export interface TrafficOptions {
  url: string;
  /** A live access token: half the requests list the user's tasks, half hit liveness (/health). */
  accessToken: string;
  connections?: number;
  /** Requests per second across all connections: bounded, the machine is shared. */
  rate?: number;
  /** Hard stop even if nobody calls stop(). */
  maxSeconds?: number;
}

/** Bounded keep-alive traffic through the proxy, as users would send during a deploy. */
export function startTraffic(options: TrafficOptions): Traffic {
  const byUpstream: Record<string, number> = {};
  const failures: string[] = [];
  const count =
    (path: string) => (status: number, body: string, _ctx: object, headers?: Record<string, unknown>) => {
      const key = Object.keys(headers ?? {}).find((h) => h.toLowerCase() === UPSTREAM_HEADER);
      const upstream = key ? String(headers![key]) : 'none';
      byUpstream[upstream] = (byUpstream[upstream] ?? 0) + 1;
      if ((status < 200 || status > 299) && failures.length < 20)
        failures.push(
          `${new Date().toISOString()} GET ${path} ${status} from ${upstream}: ${body.slice(0, 160)}`,
        );
    };
  let finish: (err: Error | null, result: autocannon.Result) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (err, result) => (err ? reject(err) : resolve(result));
  });
  // The callback form returns the instance (stop()), the promise form does not.
  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections ?? 4,
      overallRate: options.rate ?? 50,
      duration: options.maxSeconds ?? 120,
      timeout: 10,
      requests: [
        {
          method: 'GET',
          path: API_PATHS.tasks,
          headers: { authorization: `Bearer ${options.accessToken}` },
          onResponse: count(API_PATHS.tasks),
        },
        { method: 'GET', path: API_PATHS.health, onResponse: count(API_PATHS.health) },
      ],
    },
    (err, result) => finish(err, result),
  );
  instance.on('reqError', (err: Error) => {
    if (failures.length < 20) failures.push(`${new Date().toISOString()} request error: ${err.message}`);
  });
  return {
    async stop() {
      instance.stop();
      const r = await done;
      const statusCodes: Record<string, number> = {};
      for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = s.count ?? 0;
      const responses = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];
      return {
        responses,
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        byUpstream,
        failures,
        statusCodes,
        seconds: r.duration,
        rate: Math.round(responses / Math.max(r.duration, 0.001)),
      };
    },
  };
}
