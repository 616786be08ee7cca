import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracingSdk } from '../src/tracing/sdk';
import { measureTracingFloor, recordCachedList } from './tracing-floor';

describe('recordCachedList', () => {
  it('makes the spans of a recorded cached list: server, session check and cache lookup, Redis under them', async () => {
    const memory = new InMemorySpanExporter();
    const sdk = createTracingSdk({ endpoint: undefined, sampleRatio: 1, serviceName: 't' }, memory);
    try {
      recordCachedList(sdk.tracer);
      await sdk.flush();
      const spans = memory.getFinishedSpans();
      const parentOf = (name: string) => {
        const id = spans.find((s) => s.name === name)?.parentSpanContext?.spanId;
        return spans.find((s) => s.spanContext().spanId === id)?.name;
      };
      expect(spans.map((s) => s.name).sort()).toEqual(
        ['GET /api/tasks', 'auth session check', 'cache tasks lookup', 'GET', 'MGET', 'GET'].sort(),
      );
      expect(parentOf('auth session check')).toBe('GET /api/tasks');
      expect(parentOf('cache tasks lookup')).toBe('GET /api/tasks');
      expect(parentOf('MGET')).toBe('cache tasks lookup');
      expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    } finally {
      await sdk.shutdown();
    }
  });
});

describe('measureTracingFloor', () => {
  let sink: Server;
  let received = 0;
  beforeAll(async () => {
    sink = createServer((req, res) => {
      received++;
      req.resume();
      req.on('end', () => res.writeHead(200).end());
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => sink.close(() => r())));

  it('exports every span over OTLP/HTTP and gives a positive CPU figure per recorded request', async () => {
    const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/v1/traces`;
    const floor = await measureTracingFloor(url, 600);
    expect(floor.spansPerRecorded).toBe(6);
    expect(floor.repetitions).toHaveLength(3);
    expect(floor.usPerRecorded).toBeGreaterThan(0);
    expect(floor.repetitions).toContain(floor.usPerRecorded);
    expect(received).toBeGreaterThan(0);
  });
});
