import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const API_MAIN = join(REPO, 'api', 'dist', 'src', 'main.js');
export const SPA_DIST = join(REPO, 'frontend', 'dist');
export const ARTIFACTS = join(REPO, 'artifacts', 'frontend');

/**
 * The real, built API as a child process serving the built SPA on an ephemeral loopback port,
 * with embedded PostgreSQL in a temporary folder (or DATABASE_URL when the caller sets one).
 * It can be stopped and started again on the same port with the same data, to rehearse an
 * outage from the browser's point of view.
 */
export class ApiServer {
  private child: ChildProcess | undefined;
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'taskboard-e2e-'));
  port = 0;
  readonly logs: string[] = [];

  constructor(private readonly env: Record<string, string> = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [API_MAIN], {
      cwd: join(REPO, 'api'),
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(this.port),
        LOG_LEVEL: 'info',
        EMBEDDED_DATA_DIR: this.dataDir,
        SPA_DIR: SPA_DIST,
        AUTH_RATE_LIMIT: '100000',
        RUM_RATE_LIMIT: '100000',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr?.on('data', (chunk) => this.logs.push(String(chunk)));
    const lines = createInterface({ input: child.stdout! });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`API did not start:\n${this.logs.join('')}`)), 60_000);
      child.once('exit', (code) => reject(new Error(`API exited with ${code}:\n${this.logs.join('')}`)));
      lines.on('line', (line) => {
        this.logs.push(line);
        if (!line.includes('"listening"')) return;
        const { url } = JSON.parse(line) as { url: string };
        this.port = Number(new URL(url).port);
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
