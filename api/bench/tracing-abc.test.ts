import { describe, expect, it } from 'vitest';
import { type ArmProcess, pairedLossRange, roundOrder } from './tracing-abc';

const proc = (requests: number): ArmProcess => ({ requests, cpuMs: 0, roundRps: [], bootRssMiB: 0 });

describe('roundOrder', () => {
  it('runs every process of every arm once per round, arms interleaved, shifted one place per round', () => {
    const arms = ['none', 'off', 'on'] as const;
    const first = roundOrder(arms, 2, 0);
    expect(first).toEqual([
      ['none', 0],
      ['off', 0],
      ['on', 0],
      ['none', 1],
      ['off', 1],
      ['on', 1],
    ]);
    expect(roundOrder(arms, 2, 1)).toEqual([...first.slice(1), first[0]]);
    // Over as many rounds as units, every unit has run in every position once.
    for (const unit of first) {
      const positions = Array.from({ length: 6 }, (_, r) =>
        roundOrder(arms, 2, r).findIndex(([a, p]) => a === unit[0] && p === unit[1]),
      );
      expect(new Set(positions).size).toBe(6);
    }
  });
});

describe('pairedLossRange', () => {
  it('gives the loss of every on/off process pairing, lowest and highest', () => {
    const range = pairedLossRange([proc(900), proc(960)], [proc(1000), proc(1020)]);
    expect(range.min).toBeCloseTo(1 - 960 / 1000, 10);
    expect(range.max).toBeCloseTo(1 - 900 / 1020, 10);
  });

  it('is negative when tracing on ran faster than off (luck, not a gain)', () => {
    expect(pairedLossRange([proc(1050)], [proc(1000)]).min).toBeCloseTo(-0.05, 10);
  });
});
