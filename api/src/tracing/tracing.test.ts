import { type Context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/config';
import { samplerFor } from './sdk';
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

describe('samplerFor', () => {
  const remote = (traceId: string, sampled: boolean) =>
    trace.setSpanContext(ROOT_CONTEXT, {
      traceId,
      spanId: '00f067aa0ba902b7',
      traceFlags: sampled ? 1 : 0,
      isRemote: true,
    });
  const decide = (ratio: number, ctx: Context, traceId: string) =>
    samplerFor(ratio).shouldSample(ctx, traceId, 'GET /api/tasks', SpanKind.SERVER, {}, []).decision;
  const ids = ['00000000000000000000000000000001', 'ffffffff000000000000000000000000'];

  it('applies the ratio to a caller that asks for recording: the same decision as for a new trace with that id', () => {
    const asRoot = ids.map((id) => decide(0.1, ROOT_CONTEXT, id));
    // One of the two extreme ids is kept at 10 %, the other dropped: the ratio is really applied.
    expect(new Set(asRoot)).toEqual(
      new Set([SamplingDecision.RECORD_AND_SAMPLED, SamplingDecision.NOT_RECORD]),
    );
    expect(ids.map((id) => decide(0.1, remote(id, true), id))).toEqual(asRoot);
    expect(ids.map((id) => decide(1, remote(id, true), id))).toEqual(
      ids.map(() => SamplingDecision.RECORD_AND_SAMPLED),
    );
  });

  it("honours a caller's decision not to record", () => {
    expect(decide(1, remote(ids[0]!, false), ids[0]!)).toBe(SamplingDecision.NOT_RECORD);
  });
});
