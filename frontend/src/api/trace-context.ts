/**
 * A W3C `traceparent` for one API call, so the browser's action and the API's spans (down to the
 * database) share one trace id. Dependency-free: the OpenTelemetry web SDK would cost more bundle
 * than the SPA's whole API layer, and the browser records no spans of its own; it only starts the
 * trace. Flag 01 asks for recording; the API still applies its sampling ratio to the trace id.
 */
export function newTraceparent(
  random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b),
): string {
  const hex = (n: number) => {
    let id: string;
    // All-zero ids are invalid (W3C trace context §3.2.2.3); retry on the 2^-64 chance.
    do id = Array.from(random(new Uint8Array(n)), (b) => b.toString(16).padStart(2, '0')).join('');
    while (/^0+$/.test(id));
    return id;
  };
  return `00-${hex(16)}-${hex(8)}-01`;
}
