import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Runs the compiled API's boot imports (tracing/register first, as main.js does, then the whole
// application module graph) in a fresh Node and lists the OpenTelemetry modules it loaded.
const DIST = join(__dirname, '..', '..', 'dist', 'src');
const BUILT = existsSync(join(DIST, 'tracing', 'register.js'));
if (!BUILT) console.info(`[skip] lazy-load test needs the compiled API (${DIST}); run \`make build\``);

const SDK_MODULE =
  /node_modules[\\/]@opentelemetry[\\/](sdk-[^\\/]+|instrumentation[^\\/]*|exporter-[^\\/]+|otlp-[^\\/]+|context-async-hooks|resources|core)[\\/]/;

function otelModulesAfterBoot(env: Record<string, string>): string[] {
  const script = `
    require(${JSON.stringify(join(DIST, 'tracing', 'register.js'))});
    require(${JSON.stringify(join(DIST, 'app.factory.js'))});
    const re = ${SDK_MODULE.toString()};
    const hit = new Set(Object.keys(require.cache).map((f) => (re.exec(f) || [])[1]).filter(Boolean));
    process.stdout.write(JSON.stringify([...hit].sort()));
    process.exit(0);`;
  const out = execFileSync(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(out) as string[];
}

describe.skipIf(!BUILT)('tracing is lazy-loaded', () => {
  it('with TRACING_OTLP_ENDPOINT unset, no OpenTelemetry SDK, exporter or instrumentation module is loaded at boot', () => {
    expect(otelModulesAfterBoot({})).toEqual([]);
  }, 60_000);

  it('with an endpoint, the SDK and the instrumentations are loaded (the check above can fail)', () => {
    const loaded = otelModulesAfterBoot({ TRACING_OTLP_ENDPOINT: 'http://127.0.0.1:9/v1/traces' });
    expect(loaded).toEqual(
      expect.arrayContaining([
        'sdk-trace',
        'instrumentation-pg',
        'instrumentation-redis',
        'exporter-trace-otlp-proto',
      ]),
    );
  }, 60_000);
});
