import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { CookieJar } from 'tough-cookie';

export interface SmokeRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
}

export interface SmokeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * What the journey needs from HTTP: one request at a time against one origin, with a browser's
 * cookie semantics (Path, Secure, expiry). The CloudWatch canary injects its own implementation.
 */
export interface SmokeHttp {
  readonly baseUrl: string;
  send(req: SmokeRequest): Promise<SmokeResponse>;
  /** Whether a cookie of this name would be sent with a request to this path (as a browser decides). */
  hasCookieFor(path: string, name: string): Promise<boolean>;
}

export interface NodeSmokeHttp extends SmokeHttp {
  /** Closes the client's connections (each client has its own pool, so none outlives the run). */
  close(): void;
}

/**
 * The default client over node:http(s): its own keep-alive pool per run (a run never reuses a
 * connection opened before a deploy switched the upstream) and a tough-cookie jar, which, like a
 * browser, never sends a Secure cookie over plain http.
 */
export function createNodeSmokeHttp(
  baseUrl: string,
  options: { timeoutMs?: number; jar?: CookieJar } = {},
): NodeSmokeHttp {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const origin = new URL(baseUrl);
  if (origin.protocol !== 'http:' && origin.protocol !== 'https:')
    throw new Error(`smoke: URL must be http(s), got ${baseUrl}`);
  const https = origin.protocol === 'https:';
  const agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const jar = options.jar ?? new CookieJar();
  const base = origin.toString().replace(/\/$/, '');
  const urlOf = (path: string) => `${base}${path}`;

  return {
    baseUrl: base,
    async hasCookieFor(path, name) {
      const cookies = await jar.getCookies(urlOf(path));
      return cookies.some((c) => c.key === name);
    },
    async send({ method, path, headers = {}, json }) {
      const url = urlOf(path);
      const cookie = await jar.getCookieString(url);
      const body = json === undefined ? undefined : JSON.stringify(json);
      const res = await new Promise<SmokeResponse>((resolve, reject) => {
        const req = (https ? httpsRequest : httpRequest)(
          url,
          {
            method,
            agent,
            headers: {
              accept: 'application/json',
              ...(cookie ? { cookie } : {}),
              ...(body === undefined
                ? {}
                : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
              ...headers,
            },
            timeout: timeoutMs,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end(body);
      });
      const setCookie = res.headers['set-cookie'];
      for (const c of setCookie ?? []) await jar.setCookie(c, url, { ignoreError: true });
      return res;
    },
    close() {
      agent.destroy();
    },
  };
}
