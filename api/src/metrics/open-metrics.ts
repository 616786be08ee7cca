import { Registry, register } from 'prom-client';

export const OPENMETRICS_CONTENT_TYPE = Registry.OPENMETRICS_CONTENT_TYPE;

/** Prometheus asks for OpenMetrics first (exemplars live only there); curl and older scrapers get text. */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept?.includes('application/openmetrics-text') === true;
}

/**
 * One scrape of the process-wide registry, in the format the scraper asked for. The text format is
 * `register.metrics()` itself, byte for byte what every scrape got before exemplars existed.
 */
export async function scrape(accept: string | undefined): Promise<{ contentType: string; body: string }> {
  if (!wantsOpenMetrics(accept)) return { contentType: register.contentType, body: await register.metrics() };
  return { contentType: OPENMETRICS_CONTENT_TYPE, body: await openMetricsOf(register) };
}

/**
 * The same metrics rendered as OpenMetrics (with the histogram exemplars). Not a second registry
 * holding the same metric objects: an OpenMetrics registry's `metrics()` renames each counter in
 * place (strips `_total`), which would change the text scrape from then on. This renders each
 * metric through a formatter-only OpenMetrics registry, handing it the counter's family name
 * (without `_total`; the formatter adds it back on the samples) on a copy.
 */
export async function openMetricsOf(source: Registry): Promise<string> {
  const openMetricsRegistry = new Registry<typeof OPENMETRICS_CONTENT_TYPE>();
  openMetricsRegistry.setContentType(OPENMETRICS_CONTENT_TYPE);
  const formatter = openMetricsRegistry as unknown as Formatter;
  const families = await Promise.all(
    source
      .getMetricsAsArray()
      .map((metric) => formatter.getMetricsAsString(asFamily(metric as unknown as Renderable))),
  );
  return `${families.join('\n')}\n# EOF\n`;
}

/** What prom-client's formatter reads of a metric (`getForPromString` when there, else `get`). */
type Renderable = { type?: string; get(): Promise<{ name: string }> };

/** prom-client's per-metric formatter (what `metrics()` calls; missing from its typings). */
interface Formatter {
  getMetricsAsString(metric: Renderable): Promise<string>;
}

function asFamily(metric: Renderable): Renderable {
  if (metric.type !== 'counter') return metric;
  return {
    async get() {
      const data = await metric.get();
      return { ...data, name: data.name.replace(/_total$/, '') };
    },
  };
}
