import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const NGINX_BIN = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
/** The response header naming the upstream that answered (how a switch is confirmed). */
export const UPSTREAM_HEADER = 'x-taskboard-upstream';

/** The unprivileged account nginx runs as when the drill is started by root. */
function unprivileged(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('nobody:'));
  if (!line) throw new Error('drill: running as root and no "nobody" account to run nginx as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function config(prefix: string, port: number): string {
  const tmp = (name: string) => `${name}_temp_path ${join(prefix, 'tmp', name)};`;
  return `# The drill's reverse proxy: a stand-in for the load balancer in front of the app.
daemon off;
master_process on;
worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} warn;
events { worker_connections 512; }
http {
  access_log off;
  ${tmp('client_body')}
  ${tmp('proxy')}
  ${tmp('fastcgi')}
  ${tmp('uwsgi')}
  ${tmp('scgi')}
  # Rewritten (then reloaded) by every switch: which version's API receives the traffic.
  include ${join(prefix, 'upstream.conf')};
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://taskboard_api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      add_header ${UPSTREAM_HEADER} $upstream_addr always;
    }
  }
}
`;
}

const upstreamBlock = (address: string) =>
  `upstream taskboard_api {\n  server ${address};\n  keepalive 16;\n}\n`;

/**
 * Debian's nginx from a private prefix, listening on 127.0.0.1 only, as an unprivileged user
 * (nobody when started by root). `switchUpstream` rewrites the upstream, checks the config
 * (`nginx -t`) and reloads with SIGHUP: new workers take new connections while the old ones
 * finish the requests they hold, so a switch drops none.
 */
export class LocalNginx {
  private proc?: ChildProcess;
  private stderr = '';
  private readonly user = unprivileged();

  constructor(
    readonly prefix: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private args(): string[] {
    return [
      '-p',
      `${this.prefix}/`,
      '-e',
      join(this.prefix, 'error.log'),
      '-c',
      join(this.prefix, 'nginx.conf'),
    ];
  }

  private writeUpstream(address: string): void {
    const file = join(this.prefix, 'upstream.conf');
    writeFileSync(`${file}.tmp`, upstreamBlock(address));
    renameSync(`${file}.tmp`, file);
  }

  async start(upstream: string): Promise<void> {
    for (const dir of ['', 'tmp']) mkdirSync(join(this.prefix, dir), { recursive: true });
    writeFileSync(join(this.prefix, 'nginx.conf'), config(this.prefix, this.port));
    writeFileSync(join(this.prefix, 'error.log'), '');
    this.writeUpstream(upstream);
    if (this.user)
      for (const p of [this.prefix, join(this.prefix, 'tmp'), join(this.prefix, 'error.log')])
        chownSync(p, this.user.uid, this.user.gid);
    this.check();
    this.proc = spawn(NGINX_BIN, this.args(), {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(this.user ?? {}),
    });
    this.proc.stderr!.on('data', (d) => (this.stderr += String(d)));
    await this.waitForUpstream(upstream);
  }

  /** `nginx -t` as the user that runs it: a bad config is refused before it is reloaded. */
  private check(): void {
    const run = spawnSync(NGINX_BIN, ['-t', ...this.args()], {
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(this.user ?? {}),
    });
    if (run.status !== 0) throw new Error(`drill: nginx -t failed: ${run.stderr}`);
  }

  /** Points the proxy at `upstream` (host:port) and resolves once fresh connections reach it. */
  async switchUpstream(upstream: string): Promise<void> {
    if (!this.alive()) throw new Error(`drill: nginx is not running: ${this.stderr}`);
    this.writeUpstream(upstream);
    this.check();
    this.proc!.kill('SIGHUP');
    await this.waitForUpstream(upstream);
  }

  /** Which upstream answers a request on a new connection (as a new client's would be routed). */
  probe(): Promise<string | undefined> {
    return new Promise((resolve) => {
      const req = request(`${this.url}/health`, { agent: false, timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.headers[UPSTREAM_HEADER] as string | undefined);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(undefined));
      req.end();
    });
  }

  /** Three answers in a row from `upstream` (a reload is asynchronous), bounded by `timeoutMs`. */
  private async waitForUpstream(upstream: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let streak = 0;
    let last: string | undefined;
    while (Date.now() < deadline) {
      last = await this.probe();
      streak = last === upstream ? streak + 1 : 0;
      if (streak >= 3) return;
      await sleep(50);
    }
    throw new Error(
      `drill: nginx did not route to ${upstream} within ${timeoutMs} ms (last: ${last}): ${this.stderr}`,
    );
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  alive(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Graceful stop (SIGQUIT), then SIGKILL if it lingers. */
  async stop(graceMs = 10_000): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.alive()) return;
    const exited = new Promise((done) => proc.once('exit', done));
    proc.kill('SIGQUIT');
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
