/**
 * The shared field definitions (fields.ts): each rule agrees with what JavaScript and
 * PostgreSQL do with the same text, and none of them throws on any input. The database side
 * of the agreement is proven against the real columns in api/test/e2e/bad-input.e2e.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codePointLength,
  DUE_DATE_RANGE,
  descriptionProblem,
  dueDateProblem,
  emailProblem,
  FIELD_LIMITS,
  normalizeEmail,
  parseDueDate,
  titleProblem,
} from '../src';

const SEED = { seed: 15_0608, numRuns: 2_000 };
const anyText = fc.string({ unit: 'binary', maxLength: 40 });

describe('title', () => {
  it('counts code points like PostgreSQL char_length: 200 emoji fit, 201 do not', () => {
    expect(titleProblem('😀'.repeat(200))).toBeNull();
    expect(titleProblem('😀'.repeat(201))).toMatch(/1-200/);
    // A base letter with 199 combining marks is 200 code points; one more is too long.
    expect(titleProblem(`a${'\u0301'.repeat(199)}`)).toBeNull();
    expect(titleProblem(`a${'\u0301'.repeat(200)}`)).toMatch(/1-200/);
  });

  it('refuses NUL and other control characters, lone surrogates, and text that draws nothing', () => {
    expect(titleProblem('a\u0000b')).toMatch(/control/);
    expect(titleProblem('a\nb')).toMatch(/control/);
    expect(titleProblem('a\ud800')).toMatch(/Unicode/);
    expect(titleProblem('\udc00a')).toMatch(/Unicode/);
    for (const invisible of ['\u200b', '\u200b\u200d\ufeff', '\u2060\u00ad', '\u3164', '\u115f\u180e'])
      expect(titleProblem(invisible)).toMatch(/visible/);
    expect(titleProblem('\u200bx')).toBeNull();
    expect(titleProblem(42)).toMatch(/string/);
  });

  it('codePointLength equals the number of code points of any well-formed text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        expect(codePointLength(s)).toBe([...s].length);
      }),
      SEED,
    );
  });

  it('never throws and refuses every string holding a lone surrogate', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const problem = titleProblem(s);
        if (/[\uD800-\uDFFF]/u.test(s)) expect(problem).not.toBeNull();
        if (s.includes('\u0000')) expect(problem).not.toBeNull();
      }),
      SEED,
    );
  });
});

describe('description', () => {
  it('null clears it; line breaks are kept; NUL and lone surrogates are refused; code points counted', () => {
    expect(descriptionProblem(null)).toBeNull();
    expect(descriptionProblem('line one\n\tline two')).toBeNull();
    expect(descriptionProblem('a\u0000')).toMatch(/NUL/);
    expect(descriptionProblem('\ud83d')).toMatch(/Unicode/);
    expect(descriptionProblem('😀'.repeat(FIELD_LIMITS.descriptionMax))).toBeNull();
    expect(descriptionProblem('😀'.repeat(FIELD_LIMITS.descriptionMax + 1))).toMatch(/at most/);
    expect(descriptionProblem(7)).toMatch(/string/);
  });
});

describe('due date', () => {
  it('accepts RFC 3339 date-times within the range, with the instant JavaScript reads', () => {
    for (const ok of [
      '2030-01-02T03:04:05Z',
      '2030-01-02T03:04:05.1Z',
      '2030-01-02T03:04:05.123+14:00',
      '2030-01-02T03:04:05-14:00',
      '2028-02-29T00:00:00Z',
      '2000-02-29T00:00:00Z',
      DUE_DATE_RANGE.min,
      DUE_DATE_RANGE.max,
      '1969-12-31T23:00:00-01:00',
      '9999-12-31T23:59:59+01:00',
    ]) {
      expect(dueDateProblem(ok), ok).toBeNull();
      expect(parseDueDate(ok)).toBe(Date.parse(ok));
    }
  });

  it('refuses every form PostgreSQL or JavaScript would read differently, and out-of-range instants', () => {
    for (const bad of [
      '2030-W01-1',
      '2030-W01-1T00:00:00Z',
      '2030-001T00:00:00Z',
      '2030-01-01',
      '2030-01-01T10Z',
      '2030-01-01T10:00Z',
      '2030-01-01T10.5Z',
      '2030-01-01T10:00:00.5+01',
      '2030-01-01T00:00:00',
      '2030-01-01 00:00:00Z',
      '+2030-01-01T00:00:00Z',
      '-2030-01-01T00:00:00Z',
      '+02030-01-01T00:00:00Z',
      '10000-01-01T00:00:00Z',
      '2030-13-01T00:00:00Z',
      '2030-00-10T00:00:00Z',
      '2030-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2030-04-31T00:00:00Z',
      '2030-01-01T24:00:00Z',
      '2030-01-01T23:61:00Z',
      '2030-01-01T23:59:60Z',
      '2030-01-01T00:00:00+14:01',
      '2030-01-01T00:00:00+15:00',
      '2030-01-01T00:00:00-14:30',
      '2030-01-01T00:00:00.1234Z',
      '1969-12-31T23:59:59.999Z',
      '0070-01-01T00:00:00Z',
      '9999-12-31T23:59:59-00:01',
      '9999-12-31T23:59:59-14:00',
      '２０３０-01-01T00:00:00Z',
      '2030-01-01T00:00:00z',
    ]) {
      expect(dueDateProblem(bad), bad).not.toBeNull();
    }
    expect(dueDateProblem(null)).toBeNull();
    expect(dueDateProblem(20300101)).toMatch(/string/);
  });

  it('every instant in the range round-trips through toISOString', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date(DUE_DATE_RANGE.min),
          max: new Date(DUE_DATE_RANGE.max),
          noInvalidDate: true,
        }),
        (d) => {
          expect(parseDueDate(d.toISOString())).toBe(d.getTime());
        },
      ),
      SEED,
    );
  });

  it('anything it accepts, JavaScript parses to the same instant (random date-shaped text)', () => {
    const digits = (n: number) =>
      fc.integer({ min: 0, max: 10 ** n - 1 }).map((v) => String(v).padStart(n, '0'));
    const shaped = fc
      .tuple(
        digits(4),
        digits(2),
        digits(2),
        digits(2),
        digits(2),
        digits(2),
        fc.constantFrom('', '.1', '.12', '.123'),
        fc.oneof(
          fc.constant('Z'),
          fc.tuple(fc.constantFrom('+', '-'), digits(2), digits(2)).map((t) => `${t[0]}${t[1]}:${t[2]}`),
        ),
      )
      .map(([y, mo, d, h, mi, s, f, z]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${f}${z}`);
    fc.assert(
      fc.property(fc.oneof(shaped, anyText), (s) => {
        const instant = parseDueDate(s);
        if (instant !== null) expect(Date.parse(s)).toBe(instant);
      }),
      SEED,
    );
  });
});

describe('email', () => {
  it('folds visually identical addresses to one: NFKC and lower case', () => {
    expect(normalizeEmail(' ＡＤＡ@ｅｘａｍｐｌｅ.ｃｏｍ ')).toBe('ada@example.com');
    expect(normalizeEmail('Ada@Example.COM')).toBe('ada@example.com');
    expect(normalizeEmail('ﬁle@example.com')).toBe('file@example.com');
    expect(emailProblem(normalizeEmail('ＡＤＡ@ｅｘａｍｐｌｅ.ｃｏｍ'))).toBeNull();
  });

  it('normalisation is idempotent and never throws; lone surrogates are refused, not repaired', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
        const once = normalizeEmail(s);
        expect(normalizeEmail(once)).toBe(once);
        const problem = emailProblem(once);
        if (/[\uD800-\uDFFF]/u.test(s)) expect(problem).not.toBeNull();
      }),
      SEED,
    );
    expect(emailProblem(normalizeEmail('a\ud800@example.com'))).not.toBeNull();
  });

  it('accepts ordinary and international addresses, refuses malformed ones', () => {
    for (const ok of [
      'ada@example.com',
      'a.b+tag@sub.example.co',
      'josé@exämple.de',
      'x@xn--bcher-kva.example',
    ])
      expect(emailProblem(ok), ok).toBeNull();
    for (const bad of [
      'ada',
      '@example.com',
      'ada@',
      'ada@example',
      'a..b@example.com',
      '.a@example.com',
      'a@-example.com',
      'a@example.c',
      'a b@example.com',
      'a@exa mple.com',
      `${'a'.repeat(65)}@example.com`,
      `a@${'b'.repeat(250)}.com`,
      'a\u0000@example.com',
    ])
      expect(emailProblem(bad), bad).not.toBeNull();
  });
});
