import { describe, expect, it } from 'vitest';
import { type CpuProfile, cpuShare, ownerOfUrl } from './cpu-profile';

const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
  id,
  callFrame: { functionName, url },
  children,
});

/**
 * root
 * ├─ handler (our build)           ── JSON.stringify (native)
 * ├─ span start (@opentelemetry)   ── randomFill (native)
 * ├─ redis wrapper (@opentelemetry) ── sendCommand (@redis/client)
 * ├─ (garbage collector)
 * ├─ (idle)
 * └─ parser (node internals)
 */
const profile: CpuProfile = {
  nodes: [
    frame(1, '(root)', '', [2, 4, 6, 8, 9, 10]),
    frame(2, 'handler', 'file:///app/api/dist/src/tasks/tasks.service.js', [3]),
    frame(3, 'stringify', ''),
    frame(4, 'startSpan', 'file:///app/node_modules/@opentelemetry/sdk-trace/dist/Tracer.cjs', [5]),
    frame(5, 'randomFillSync', ''),
    frame(
      6,
      '_traceClientCommand',
      'file:///app/node_modules/@opentelemetry/instrumentation-redis/x.cjs',
      [7],
    ),
    frame(7, 'sendCommand', 'file:///app/node_modules/@redis/client/dist/lib/client/index.js'),
    frame(8, '(garbage collector)', ''),
    frame(9, '(idle)', ''),
    frame(10, 'parserOnHeadersComplete', 'node:_http_common'),
  ],
  startTime: 1000,
  // One sample per node, 10 µs apart, in the order of the ids 3, 5, 6, 7, 8, 9, 10.
  samples: [3, 5, 6, 7, 8, 9, 10],
  timeDeltas: [10, 10, 10, 10, 10, 10, 10],
};
const tracing = (owner: string) => owner.startsWith('@opentelemetry/');

describe('cpuShare', () => {
  it('charges natives to their caller and wrapped calls to the wrapped library', () => {
    const s = cpuShare(profile, tracing);
    expect(s.busyUs).toBe(60); // idle excluded
    expect(s.gcUs).toBe(10);
    // randomFillSync under startSpan and the wrapper's own sample: 20 µs; sendCommand is Redis's.
    expect(s.ownedUs).toBe(20);
    expect(s.share).toBeCloseTo(20 / 50);
    expect(s.byOwner).toEqual([
      ['@opentelemetry/sdk-trace', 10],
      ['@opentelemetry/instrumentation-redis', 10],
    ]);
  });

  it('counts only the samples inside the window (the load, not the boot)', () => {
    // Sample times: 1010 (stringify), 1020 (randomFill), 1030 (wrapper), 1040 (sendCommand) ...
    const s = cpuShare(profile, tracing, { fromUs: 1025, toUs: 1045 });
    expect(s.busyUs).toBe(20);
    expect(s.ownedUs).toBe(10);
  });
});

describe('ownerOfUrl', () => {
  it('names scoped and plain packages and our build, and nothing else', () => {
    expect(ownerOfUrl('file:///w/node_modules/@opentelemetry/api/dist/x.cjs')).toBe('@opentelemetry/api');
    expect(ownerOfUrl('file:///w/node_modules/pino/lib/x.js')).toBe('pino');
    expect(ownerOfUrl('file:///w/api/dist/src/tracing/tracing.js')).toBe('src/tracing/tracing.js');
    expect(ownerOfUrl('node:internal/timers')).toBeUndefined();
    expect(ownerOfUrl('')).toBeUndefined();
  });
});
