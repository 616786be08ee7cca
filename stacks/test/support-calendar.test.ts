import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config';
import {
  NODE_LTS_IN_USE,
  pinsInUse,
  SUPPORT_CALENDAR,
  supportProblems,
  WARNING_DAYS,
} from '../versions/support-calendar';

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

describe('support calendar', () => {
  it('every pinned version is in standard support today, with more than 60 days to go', () => {
    // Fails (by design) when a date comes within WARNING_DAYS: the message names the field to
    // change and the version to move to.
    expect(supportProblems(pinsInUse(defaultConfig()), new Date())).toEqual([]);
  });

  it('covers every pin: EKS, the PostgreSQL major of each engine, and the Node LTS', () => {
    const pins = pinsInUse(defaultConfig());
    expect(pins.map((p) => p.field)).toEqual([
      'dev.cluster.kubernetesVersion',
      'dev.database.engineVersion',
      'prod.cluster.kubernetesVersion',
      'prod.database.engineVersion',
      'Node.js LTS (NODE_LTS_IN_USE, runtime images)',
    ]);
    for (const p of pins) {
      expect(SUPPORT_CALENDAR.some((e) => e.product === p.product && e.version === p.version)).toBe(true);
    }
    expect(NODE_LTS_IN_USE).toBe('24');
    for (const e of SUPPORT_CALENDAR) {
      expect(e.endOfStandardSupport).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(e.source).toMatch(/^https:\/\//);
    }
  });

  it('names the field and the replacement for the pins this review found dead (EKS 1.32)', () => {
    const old = defaultConfig();
    old.prod.cluster.kubernetesVersion = '1.32';
    expect(supportProblems(pinsInUse(old), day('2026-12-02'))).toEqual([
      expect.stringMatching(
        /^prod\.cluster\.kubernetesVersion = "1\.32": eks 1\.32 standard support ended 2026-03-23; move to 1\.35 \(standard support until 2027-03-27/,
      ),
    ]);
  });

  it(`warns within ${WARNING_DAYS} days of the end date, not before`, () => {
    const pins = pinsInUse(defaultConfig()).filter((p) => p.field === 'dev.cluster.kubernetesVersion');
    expect(supportProblems(pins, day('2027-01-25'))).toEqual([]);
    const [warning] = supportProblems(pins, day('2027-01-27'));
    expect(warning).toMatch(
      /^dev\.cluster\.kubernetesVersion = "1\.35": eks 1\.35 standard support ends 2027-03-27 \(in 58 days\)/,
    );
    expect(warning).toContain('add the next one to stacks/versions/support-calendar.ts');
  });

  it('rejects a version missing from the calendar (for example an exact PostgreSQL minor)', () => {
    const c = defaultConfig();
    c.dev.database.engineVersion = '16.6';
    expect(supportProblems(pinsInUse(c), day('2026-12-02'))).toEqual([
      expect.stringMatching(
        /^dev\.database\.engineVersion = "16\.6": rds-postgres 16\.6 is not in the support calendar.*move to 17/,
      ),
    ]);
  });
});
