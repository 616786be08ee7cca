import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { API_PATHS } from '@taskboard/contracts';
import { UPSTREAM_HEADER } from './nginx';

export interface TrafficReport {
  /** Responses received, and how many of them were not 2xx. */
  responses: number;
  non2xx: number;
  /** Requests that got no answer: connection errors (after the one retry below) and timeouts. */
  errors: number;
  timeouts: number;
  /**
   * Requests sent on a reused keep-alive connection that the proxy closed at that instant (a
   * reload retires its old workers), retried once on a new connection, as browsers and Node's
   * documentation (`request.reusedSocket`) do. Reported, never hidden: a retry that fails again
   * is an error.
   */
  keepAliveRetries: number;
  /** Responses per upstream that served them: proves the traffic reached each version. */
  byUpstream: Record<string, number>;
  /** The first failures: time, path, status or error, and the upstream that answered. */
  failures: string[];
  statusCodes: Record<string, number>;
  seconds: number;
  /** Responses per second actually achieved. */
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
  timeoutMs?: number;
}

interface Answer {
  status?: number;
  upstream?: string;
  error?: NodeJS.ErrnoException;
  reused: boolean;
  timedOut: boolean;
}

/**
 * Bounded keep-alive GET traffic through the proxy, as users send during a deploy: `connections`
 * loops, each pacing its share of `rate`, over one keep-alive agent.
 */
export function startTraffic(options: TrafficOptions): Traffic {
  const connections = options.connections ?? 4;
  const interval = (1000 * connections) / (options.rate ?? 50);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const base = new URL(options.url);
  const report: TrafficReport = {
    responses: 0,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    keepAliveRetries: 0,
    byUpstream: {},
    failures: [],
    statusCodes: {},
    seconds: 0,
    rate: 0,
  };
  const note = (line: string) => {
    if (report.failures.length < 20) report.failures.push(`${new Date().toISOString()} ${line}`);
  };
  const paths: Array<{ path: string; headers: Record<string, string> }> = [
    { path: API_PATHS.tasks, headers: { authorization: `Bearer ${options.accessToken}` } },
    { path: API_PATHS.health, headers: {} },
  ];

  const once = (path: string, headers: Record<string, string>): Promise<Answer> =>
    new Promise((resolve) => {
      let timedOut = false;
      const req = request(
        { host: base.hostname, port: base.port, path, method: 'GET', headers, agent, timeout: timeoutMs },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({
              status: res.statusCode,
              upstream: String(res.headers[UPSTREAM_HEADER] ?? 'none'),
              reused: req.reusedSocket,
              timedOut,
            }),
          );
          res.on('error', (error) => resolve({ error, reused: req.reusedSocket, timedOut }));
        },
      );
      req.on('timeout', () => {
        timedOut = true;
        req.destroy(new Error(`no answer within ${timeoutMs} ms`));
      });
      req.on('error', (error) => resolve({ error, reused: req.reusedSocket, timedOut }));
      req.end();
    });

  const started = performance.now();
  let stopping = false;
  const loop = async (worker: number) => {
    let i = worker;
    let next = performance.now() + (interval * worker) / connections;
    while (!stopping && performance.now() - started < (options.maxSeconds ?? 120) * 1000) {
      await sleep(Math.max(0, next - performance.now()));
      next += interval;
      const { path, headers } = paths[i++ % paths.length]!;
      let answer = await once(path, headers);
      const raced =
        answer.error && answer.reused && ['ECONNRESET', 'EPIPE'].includes(answer.error.code ?? '');
      if (raced) {
        report.keepAliveRetries++;
        answer = await once(path, headers);
      }
      if (answer.error) {
        if (answer.timedOut) report.timeouts++;
        report.errors++;
        note(
          `GET ${path} ${answer.error.code ?? ''} ${answer.error.message}${raced ? ' (after a retry)' : ''}`,
        );
        continue;
      }
      const status = answer.status!;
      report.responses++;
      report.statusCodes[status] = (report.statusCodes[status] ?? 0) + 1;
      report.byUpstream[answer.upstream!] = (report.byUpstream[answer.upstream!] ?? 0) + 1;
      if (status < 200 || status > 299) {
        report.non2xx++;
        note(`GET ${path} ${status} from ${answer.upstream}`);
      }
    }
  };
  const loops = Promise.all(Array.from({ length: connections }, (_, w) => loop(w)));

  return {
    async stop() {
      stopping = true;
      await loops;
      agent.destroy();
      report.seconds = (performance.now() - started) / 1000;
      report.rate = Math.round(report.responses / Math.max(report.seconds, 0.001));
      return report;
    },
  };
}
