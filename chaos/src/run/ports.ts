// What `make chaos` needs from the outside world, as interfaces: the real implementations shell
// out to kubectl/helm and call Prometheus over a port-forward; tests inject fakes.
import type { ChaosObject } from '../experiments/types';

export interface Kube {
  /** `kubectl config current-context`, or null when there is none. */
  currentContext(): Promise<string | null>;
  /** The installed release's user-supplied values (`helm get values -o json`). */
  releaseValues(release: string, namespace: string): Promise<unknown>;
  apply(object: ChaosObject): Promise<void>;
  /** Deletes the experiment; absent is fine (Chaos Mesh then stops injecting and recovers). */
  remove(object: ChaosObject): Promise<void>;
  /** A local URL reaching Prometheus until `close()`. */
  portForwardPrometheus(): Promise<{ url: string; close(): Promise<void> }>;
}

export interface Prometheus {
  /** Which of `names` are firing now: ALERTS{alertname=~"...",alertstate="firing"}. */
  firing(names: string[]): Promise<Set<string>>;
  /** A range query's first series as [unix seconds, value] samples (NaN dropped). */
  range(query: string, start: Date, end: Date, stepSeconds: number): Promise<[number, number][]>;
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    }),
};
