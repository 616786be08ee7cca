/** The subset of Artillery's script format our scenarios use (https://www.artillery.io/docs/reference/test-script). */

export type Phase =
  | {
      readonly name: string;
      readonly duration: number;
      readonly arrivalRate: number;
      readonly rampTo?: number;
    }
  | { readonly name: string; readonly pause: number };

export interface EnsureConfig {
  /** `metric: max` entries, each checked as `metric < max`. */
  readonly thresholds?: readonly Readonly<Record<string, number>>[];
  /** filtrex expressions over the run's metrics; strict ones fail the run. */
  readonly conditions?: readonly { readonly expression: string; readonly strict?: boolean }[];
}

export type Step =
  | { readonly get: Request }
  | { readonly post: Request }
  | { readonly put: Request }
  | { readonly patch: Request }
  | { readonly delete: Request }
  | { readonly function: string }
  | { readonly think: number };

export interface Request {
  readonly url: string;
  /** Metric name for the per-endpoint table (metrics-by-endpoint groups by it, not the raw URL). */
  readonly name: string;
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly capture?: readonly { readonly json: string; readonly as: string }[];
  readonly expect?: readonly Readonly<Record<string, unknown>>[];
  readonly beforeRequest?: readonly string[];
  readonly afterResponse?: readonly string[];
}

export interface Scenario {
  readonly name: string;
  readonly flow: readonly Step[];
  readonly weight?: number;
  readonly beforeScenario?: readonly string[];
  readonly afterResponse?: readonly string[];
}

export interface ArtilleryScript {
  /** Runs once before the phases, in Artillery's main thread; its captured variables reach every virtual user. */
  readonly before?: { readonly flow: readonly Step[] };
  readonly config: {
    readonly target: string;
    readonly phases: readonly Phase[];
    readonly processor?: string;
    readonly http?: { readonly timeout?: number; readonly extendedMetrics?: boolean };
    readonly plugins?: {
      readonly ensure?: EnsureConfig;
      readonly 'metrics-by-endpoint'?: {
        readonly useOnlyRequestNames?: boolean;
        readonly stripQueryString?: boolean;
      };
      readonly expect?: { readonly outputFormat?: string; readonly reportFailuresAsErrors?: boolean };
    };
    readonly variables?: Readonly<Record<string, unknown>>;
  };
  readonly scenarios: readonly Scenario[];
}
