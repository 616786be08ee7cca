import { describe, expect, it } from 'vitest';
import { newTraceparent } from './trace-context';

describe('newTraceparent', () => {
  it('is a valid W3C traceparent asking for recording, different every time', () => {
    const a = newTraceparent();
    expect(a).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(newTraceparent()).not.toBe(a);
  });

  it('never emits an all-zero trace or span id (invalid per the spec)', () => {
    let calls = 0;
    // Zeros on the first draw of each id, then ones.
    const random = (b: Uint8Array) => b.fill(calls++ % 2 === 0 ? 0 : 1);
    expect(newTraceparent(random)).toBe(`00-${'01'.repeat(16)}-${'01'.repeat(8)}-01`);
  });
});
