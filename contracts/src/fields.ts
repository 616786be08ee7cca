/**
 * One definition of each user-supplied field, shared by the API's DTOs, the SQL columns'
 * CHECK constraints (same bounds) and the SPA's form rules. Each `…Problem` function returns
 * the message shown to the user, or null when the value is valid; they never throw.
 *
 * Lengths count Unicode code points, which is what PostgreSQL's varchar(n) and char_length
 * count in a UTF-8 database (a JS string's .length counts UTF-16 units: an emoji is 2).
 */

export const FIELD_LIMITS = {
  titleMax: 200,
  descriptionMax: 10_000,
  emailMax: 254,
  emailLocalMax: 64,
  /** Bodies nested deeper than this are refused before any parsing into objects. */
  jsonMaxDepth: 32,
} as const;

/**
 * Due dates are instants in this closed UTC range: four-digit years only, so PostgreSQL's
 * text form, the API's ISO output and the list cursors all keep one fixed shape.
 */
export const DUE_DATE_RANGE = {
  min: '1970-01-01T00:00:00.000Z',
  max: '9999-12-31T23:59:59.999Z',
} as const;

const MIN_MS = Date.parse(DUE_DATE_RANGE.min);
const MAX_MS = Date.parse(DUE_DATE_RANGE.max);

/** With the `u` flag a surrogate half only matches when it is not part of a pair. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const CONTROL = /\p{Cc}/u;
/** Characters that draw nothing: a title made only of these looks empty. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{White_Space}\p{Default_Ignorable_Code_Point}]/gu;

/** True when the string is valid Unicode (every UTF-16 surrogate is paired), i.e. storable as UTF-8. */
export const isWellFormedText = (s: string): boolean => !LONE_SURROGATE.test(s);

/** Length in Unicode code points (PostgreSQL's char_length in a UTF-8 database). */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** What the API stores for a title: surrounding whitespace is not part of it. */
export const normalizeTitle = (s: string): string => s.trim();

export function titleProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'title must be a string';
  if (!isWellFormedText(value)) return 'title must be valid Unicode text';
  if (CONTROL.test(value)) return 'title must not contain control characters';
  const n = codePointLength(value);
  if (n < 1 || n > FIELD_LIMITS.titleMax) return `title must be 1-${FIELD_LIMITS.titleMax} characters`;
  if (value.replace(INVISIBLE, '') === '') return 'title must contain a visible character';
  return null;
}

/** null clears the description; text keeps its line breaks and tabs but no other control character. */
export function descriptionProblem(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') return 'description must be a string or null';
  if (!isWellFormedText(value)) return 'description must be valid Unicode text';
  if (value.includes('\u0000')) return 'description must not contain NUL characters';
  if (codePointLength(value) > FIELD_LIMITS.descriptionMax)
    return `description must be at most ${FIELD_LIMITS.descriptionMax} characters`;
  return null;
}

/**
 * RFC 3339 date-time, the subset PostgreSQL parses identically: `YYYY-MM-DDTHH:MM:SS`, optional
 * milliseconds (a JS Date and the API's output keep no more, so nothing is silently dropped),
 * then `Z` or a `±HH:MM` offset. No week/ordinal dates, reduced precision, fractional hours,
 * signed or five-digit years, or leap second 60.
 */
const DUE_DATE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;
const DUE_DATE_MESSAGE = `dueDate must be an RFC 3339 date-time such as 2030-01-31T09:00:00Z, between ${DUE_DATE_RANGE.min} and ${DUE_DATE_RANGE.max}`;

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The instant a valid due date denotes, in ms since the epoch; null when it is not one. */
export function parseDueDate(value: string): number | null {
  const m = DUE_DATE.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Number((m[7] ?? '0').padEnd(3, '0'));
  const sign = m[8] === '-' ? -1 : 1;
  const oh = Number(m[9] ?? 0);
  const om = Number(m[10] ?? 0);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  if (oh > 14 || om > 59 || (oh === 14 && om !== 0)) return null;
  // Date.UTC maps years 0-99 to 1900-1999; such years are out of range anyway.
  if (y < 1969) return null;
  const instant = Date.UTC(y, mo - 1, d, h, mi, s, ms) - sign * (oh * 60 + om) * 60_000;
  return instant >= MIN_MS && instant <= MAX_MS ? instant : null;
}

/** null clears the due date. */
export function dueDateProblem(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') return 'dueDate must be a string or null';
  return parseDueDate(value) === null ? DUE_DATE_MESSAGE : null;
}

/**
 * What the API stores and compares for an email: compatibility-composed (NFKC, so full-width
 * and ligature forms fold to plain letters) and lower-cased, so addresses that look the same
 * cannot become two accounts. Text with lone surrogates is returned unchanged for
 * `emailProblem` to refuse.
 */
export function normalizeEmail(s: string): string {
  if (!isWellFormedText(s)) return s;
  // Lower-casing can leave a non-NFKC sequence (e.g. U+0130), so normalise again after it.
  return s.trim().normalize('NFKC').toLowerCase().normalize('NFKC');
}

const ATOM = "[\\p{L}\\p{M}\\p{N}!#$%&'*+/=?^_`{|}~-]+";
const LOCAL = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`, 'u');
const LABEL = /^[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?$/u;
const TOP_LABEL = /^(?:\p{L}[\p{L}\p{M}]+|xn--[a-z0-9-]+)$/u;

/** For an already normalised address: `local@domain.tld`, dot-atom local part, hostname labels. */
export function emailProblem(value: unknown): string | null {
  const message = 'email must be a valid email address';
  if (typeof value !== 'string' || !isWellFormedText(value)) return message;
  if (codePointLength(value) > FIELD_LIMITS.emailMax)
    return `email must be at most ${FIELD_LIMITS.emailMax} characters`;
  const at = value.lastIndexOf('@');
  if (at < 1) return message;
  const local = value.slice(0, at);
  const labels = value.slice(at + 1).split('.');
  if (codePointLength(local) > FIELD_LIMITS.emailLocalMax || !LOCAL.test(local)) return message;
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return message;
  if (!TOP_LABEL.test(labels[labels.length - 1] ?? '')) return message;
  return null;
}

/** Passwords are hashed as UTF-8, so they must be valid Unicode; lengths count code points. */
export function passwordProblem(value: unknown, limits: { min: number; max: number }): string | null {
  if (typeof value !== 'string') return 'password must be a string';
  if (!isWellFormedText(value)) return 'password must be valid Unicode text';
  const n = codePointLength(value);
  if (n < limits.min || n > limits.max) return `password must be ${limits.min}-${limits.max} characters`;
  return null;
}
