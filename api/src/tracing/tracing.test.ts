import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/config';
import { pooledIdGenerator, unrecordedIds } from './random-ids';
import { headSampler } from './sdk';
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

describe('headSampler', () => {
  const caller = (traceId: string, sampled: boolean) => ({
    traceId,
    spanId: '00f067aa0ba902b7',
    traceFlags: sampled ? 1 : 0,
    isRemote: true,
  });
  const ids = ['00000000000000000000000000000001', 'ffffffff000000000000000000000000'];

  it("applies the ratio to a caller that asks for recording, by its trace id (the SDK's ratio sampler's decision)", () => {
    const sdkDecision = (id: string) =>
      new TraceIdRatioBasedSampler(0.1).shouldSample(ROOT_CONTEXT, id).decision ===
      SamplingDecision.RECORD_AND_SAMPLED;
    const kept = ids.map((id) => headSampler(0.1)(caller(id, true)));
    // One of the two extreme ids is kept at 10 %, the other dropped: the ratio is really applied...
    expect(new Set(kept)).toEqual(new Set([true, false]));
    // ...and every service using the SDK's ratio sampler keeps the same traces.
    expect(kept).toEqual(ids.map(sdkDecision));
    expect(ids.map((id) => headSampler(1)(caller(id, true)))).toEqual([true, true]);
    expect(ids.map((id) => headSampler(0)(caller(id, true)))).toEqual([false, false]);
  });

  it("honours a caller's decision not to record", () => {
    expect(headSampler(1)(caller(ids[0]!, false))).toBe(false);
  });

  it('keeps the ratio of new traces', () => {
    expect(headSampler(1)(undefined)).toBe(true);
    expect(headSampler(0)(undefined)).toBe(false);
    const sample = headSampler(0.1);
    let kept = 0;
    for (let i = 0; i < 20_000; i++) if (sample(undefined)) kept++;
    // 10 % of 20 000 draws: 2000 ± 42 (one standard deviation); 1700..2300 is beyond 7 of them.
    expect(kept).toBeGreaterThan(1700);
    expect(kept).toBeLessThan(2300);
  });
});

describe('unrecordedIds', () => {
  it("gives well-formed, distinct ids and keeps a caller's trace id", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const { traceId, spanId } = unrecordedIds();
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(spanId).toMatch(/^[0-9a-f]{16}$/);
      seen.add(traceId);
    }
    expect(seen.size).toBe(1000); // across pool refills (256 per fill)
    expect(unrecordedIds('0af7651916cd43dd8448eb211c80319c').traceId).toBe(
      '0af7651916cd43dd8448eb211c80319c',
    );
  });
});

describe('pooledIdGenerator', () => {
  it('gives valid, distinct W3C ids across pool refills', () => {
    const traces = new Set<string>();
    const spans = new Set<string>();
    // 2000 of each is 72 000 hex digits: three refills of the 24 Ki-digit pool.
    for (let i = 0; i < 2000; i++) {
      const traceId = pooledIdGenerator.generateTraceId();
      const spanId = pooledIdGenerator.generateSpanId();
      expect(traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
      expect(spanId).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
      traces.add(traceId);
      spans.add(spanId);
    }
    expect(traces.size).toBe(2000);
    expect(spans.size).toBe(2000);
  });
});
