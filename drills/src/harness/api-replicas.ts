import { API_PATHS } from '@taskboard/contracts';
import { API_MAIN } from './preflight';
import { GiveUp, httpStatus, type ProcessGroup, type Started, waitFor } from './processes';

export interface ReplicaSpec {
  /** The pod name Prometheus labels its series with (matches the rules' `pod=~"taskboard-.+"`). */
  pod: string;
  port: number;
  metricsPort: number;
}

/** One API replica: the compiled API (`node api/dist/src/main.js`), as the container runs it. */
export class ApiReplica {
  private process: Started | undefined;
  /** Times (ms on the drill clock) this replica was started, killed or stopped. */
  readonly events: { at: number; what: 'start' | 'kill' | 'stop' }[] = [];

  constructor(
    readonly spec: ReplicaSpec,
    private readonly processes: ProcessGroup,
    private readonly env: Record<string, string>,
    private readonly clock: () => number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.spec.port}`;
  }

  get running(): boolean {
    return this.process !== undefined && this.processes.isRunning(this.process);
  }

  async start(): Promise<void> {
    this.events.push({ at: this.clock(), what: 'start' });
    const started = this.processes.start(
      this.spec.pod,
      process.execPath,
      ['--enable-source-maps', API_MAIN],
      {
        ...this.env,
        PORT: String(this.spec.port),
        METRICS_PORT: String(this.spec.metricsPort),
      },
    );
    this.process = started;
    await waitFor(
      `${this.spec.pod} to be ready on ${this.url}`,
      async () => {
        if (!this.processes.isRunning(started))
          throw new GiveUp(
            `${this.spec.pod} exited before it was ready: ${this.processes.logTail(this.spec.pod)}`,
          );
        return (await httpStatus(`${this.url}${API_PATHS.ready}`)) === 200 ? true : undefined;
      },
      // A Node API boots in seconds, but the harness may share two cores with a dozen other processes.
      120_000,
    );
  }

  /** SIGKILL: no drain, in-flight requests are cut (a crashed or evicted pod). */
  async kill(): Promise<void> {
    if (!this.process) return;
    this.events.push({ at: this.clock(), what: 'kill' });
    await this.processes.kill(this.process);
  }

  /** SIGTERM: the API drains (readiness fails, then the listener closes), as in a rolling update. */
  async stop(): Promise<void> {
    if (!this.process) return;
    this.events.push({ at: this.clock(), what: 'stop' });
    await this.processes.stop(this.process, 30_000);
  }

  /**
   * Readiness as the kubelet would probe it: 200 ready, 503 not ready, 0 not answering (within 3 s:
   * longer than the kubelet's 1 s default, so a starved shared CPU does not read as a failed replica).
   */
  readiness(): Promise<number> {
    return httpStatus(`${this.url}${API_PATHS.ready}`, 3000);
  }
}
