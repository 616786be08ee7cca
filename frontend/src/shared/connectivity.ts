import { reactive } from 'vue';

/**
 * Whether the API answered the last request. Kept outside any store because the HTTP client
 * updates it on every call, and the banner only needs to read it.
 */
export const connectivity = reactive({
  /** 'network': the API could not be reached; 'server': it answered 5xx. */
  problem: null as null | 'network' | 'server',
  /** What the banner's Retry button re-runs: the view that failed registers its loader. */
  retry: null as null | (() => Promise<unknown>),
});

export function reportReachable(): void {
  connectivity.problem = null;
}

export function reportProblem(problem: 'network' | 'server'): void {
  connectivity.problem = problem;
}

export function setRetry(fn: (() => Promise<unknown>) | null): void {
  connectivity.retry = fn;
}
