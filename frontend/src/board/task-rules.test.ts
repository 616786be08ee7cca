import { FIELD_LIMITS } from '@taskboard/contracts';
import { describe, expect, it } from 'vitest';
import { validateTask } from './task-rules';

const form = (over: Partial<{ title: string; description: string; dueDate: string }>) => ({
  title: 'ok',
  description: '',
  dueDate: '',
  ...over,
});

/** The SPA refuses exactly what the API refuses: both use contracts/src/fields.ts. */
describe('validateTask', () => {
  it('counts code points as the API and the column do: 200 emoji fit, 201 do not', () => {
    expect(validateTask(form({ title: '😀'.repeat(FIELD_LIMITS.titleMax) }))).toEqual({});
    expect(validateTask(form({ title: '😀'.repeat(FIELD_LIMITS.titleMax + 1) })).title).toBe(
      `Title must be 1-${FIELD_LIMITS.titleMax} characters`,
    );
    expect(validateTask(form({ title: 'x\ufe0f'.repeat(150) })).title).toMatch(/1-200/);
  });

  it('refuses titles that draw nothing or hold control characters', () => {
    expect(validateTask(form({ title: '\u200b\u200d' })).title).toBe(
      'Title must contain a visible character',
    );
    expect(validateTask(form({ title: '   ' })).title).toMatch(/1-200/);
    expect(validateTask(form({ title: 'a\u0000b' })).title).toMatch(/control/);
  });

  it('refuses a description over the limit in code points, or holding NUL', () => {
    expect(validateTask(form({ description: '😀'.repeat(FIELD_LIMITS.descriptionMax) }))).toEqual({});
    expect(
      validateTask(form({ description: '😀'.repeat(FIELD_LIMITS.descriptionMax + 1) })).description,
    ).toMatch(/at most/);
    expect(validateTask(form({ description: 'a\u0000' })).description).toMatch(/NUL/);
  });

  it('refuses a due date outside the range the API stores', () => {
    expect(validateTask(form({ dueDate: '2030-01-31' }))).toEqual({});
    expect(validateTask(form({ dueDate: '9999-12-31' }))).toEqual({});
    expect(validateTask(form({ dueDate: '10000-01-01' })).dueDate).toMatch(/^DueDate must be an RFC 3339/);
    expect(validateTask(form({ dueDate: '1969-12-31' })).dueDate).toBeDefined();
  });
});
