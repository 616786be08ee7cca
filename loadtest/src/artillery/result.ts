/**
 * The JSON `artillery run --output` writes: the aggregate report and the 10-second `intermediate`
 * windows. Only the fields our reports read are typed; the rest is kept as Artillery wrote it.
 */
export interface Summary {
  readonly min: number;
  readonly max: number;
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly median?: number;
  readonly p75?: number;
  readonly p90?: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999?: number;
}

export interface MetricsWindow {
  readonly counters: Readonly<Record<string, number>>;
  readonly rates: Readonly<Record<string, number>>;
  readonly summaries: Readonly<Record<string, Summary>>;
  /** Artillery copies `summaries` here in the JSON output. */
  readonly histograms?: Readonly<Record<string, Summary>>;
  /** Epoch milliseconds of the first and last metric recorded in the window. */
  readonly firstMetricAt: number;
  readonly lastMetricAt: number;
  /** Epoch milliseconds of the window's start, as a string or number (Artillery writes both). */
  readonly period?: number | string;
}

export interface ArtilleryResult {
  readonly aggregate: MetricsWindow;
  readonly intermediate: readonly MetricsWindow[];
}

/** Parses and checks the shape of an Artillery JSON output; names the missing part when it is not one. */
export function parseArtilleryResult(text: string, source = 'artillery output'): ArtilleryResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not JSON (${(error as Error).message})`);
  }
  const isWindow = (w: unknown): w is MetricsWindow =>
    typeof w === 'object' &&
    w !== null &&
    typeof (w as MetricsWindow).counters === 'object' &&
    typeof (w as MetricsWindow).summaries === 'object';
  const d = data as Partial<ArtilleryResult>;
  if (!isWindow(d.aggregate)) throw new Error(`${source}: no aggregate report (counters, summaries)`);
  if (!Array.isArray(d.intermediate) || !d.intermediate.every(isWindow))
    throw new Error(`${source}: no intermediate windows`);
  return { aggregate: withDefaults(d.aggregate), intermediate: d.intermediate.map(withDefaults) };
}

function withDefaults(w: MetricsWindow): MetricsWindow {
  return { ...w, counters: w.counters ?? {}, rates: w.rates ?? {}, summaries: w.summaries ?? {} };
}

/** Start of a window in epoch ms: its period when Artillery gives one, else its first metric. */
export function windowStart(w: MetricsWindow): number {
  const period = Number(w.period);
  return Number.isFinite(period) && period > 0 ? period : w.firstMetricAt;
}
