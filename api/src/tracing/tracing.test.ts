import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/config';
import { activeTracer, inSpan, startTracing } from './tracing';

describe('tracing configuration', () => {
  it('is off without an endpoint: no tracer, no global provider, inSpan is a plain call', async () => {
    const config = loadConfig({});
    expect(config.tracing.endpoint).toBeUndefined();
    expect(startTracing({ ...config.tracing, serviceName: 'taskboard-api' })).toBe(false);
    expect(activeTracer()).toBeUndefined();
    // The API's global provider is still the no-op proxy: nothing records.
    expect(trace.getTracer('probe').startSpan('x').isRecording()).toBe(false);
    expect(await inSpan('x', {}, async () => 42)).toBe(42);
  });

  it('samples 10 % of new traces in production and all of them locally, unless configured', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), DATABASE_URL: 'postgres://db/app' };
    expect(loadConfig(prod).tracing.sampleRatio).toBe(0.1);
    expect(loadConfig({}).tracing.sampleRatio).toBe(1);
    expect(loadConfig({ TRACING_SAMPLE_RATIO: '0.25' }).tracing.sampleRatio).toBe(0.25);
  });

  it('rejects a bad endpoint or ratio, naming the variable', () => {
    expect(() => loadConfig({ TRACING_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/TRACING_OTLP_ENDPOINT/);
    expect(() => loadConfig({ TRACING_SAMPLE_RATIO: '1.5' })).toThrow(ConfigError);
    expect(() => loadConfig({ TRACING_SAMPLE_RATIO: '1.5' })).toThrow(/TRACING_SAMPLE_RATIO/);
  });
});
