import type { ApiReplica } from '../harness/api-replicas';

export interface ReadinessSample {
  at: number;
  pod: string;
  /** 200 ready, 503 not ready (e.g. database down), 0 not answering (process gone). */
  status: number;
}

/** Probes every replica's /health/ready every `intervalMs`, as the kubelet's readiness probe would. */
export class ReadinessWatch {
  readonly samples: ReadinessSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly replicas: ApiReplica[],
    private readonly clock: () => number,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    const tick = () => {
      const at = this.clock();
      this.inFlight = Promise.all(
        this.replicas.map(async (r) =>
          this.samples.push({ at, pod: r.spec.pod, status: await r.readiness() }),
        ),
      );
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
  }

  /** True when the latest sample of every replica says ready. */
  allReady(): boolean {
    return this.replicas.every((r) => {
      const last = this.samples.findLast((s) => s.pod === r.spec.pod);
      return last?.status === 200;
    });
  }

  async stop(): Promise<ReadinessSample[]> {
    clearInterval(this.timer);
    await this.inFlight;
    return this.samples.sort((a, b) => a.at - b.at);
  }
}
