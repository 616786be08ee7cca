import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './api-error';

describe('isDatabaseUnavailable', () => {
  it.each([
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    new Error('timeout exceeded when trying to connect'),
    new Error('Connection terminated unexpectedly'),
    new Error('Query read timeout'),
    Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
    Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    Object.assign(new Error('wrapped'), { driverError: Object.assign(new Error('x'), { code: '08006' }) }),
  ])('recognises %s', (err) => expect(isDatabaseUnavailable(err)).toBe(true));

  it.each([
    Object.assign(new Error('duplicate key'), { code: '23505' }),
    Object.assign(new Error('syntax error'), { code: '42601' }),
    new TypeError('x is undefined'),
    'not an error',
  ])('does not mistake %s for an outage', (err) => expect(isDatabaseUnavailable(err)).toBe(false));
});
