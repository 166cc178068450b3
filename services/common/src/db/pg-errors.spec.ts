import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, isUniqueViolation } from './pg-errors.js';

describe('isUniqueViolation', () => {
  it('matches 23505 on the named constraint, directly or wrapped by TypeORM', () => {
    expect(isUniqueViolation({ code: '23505', constraint: 'UQ_x' }, 'UQ_x')).toBe(true);
    expect(isUniqueViolation({ driverError: { code: '23505', constraint: 'UQ_x' } }, 'UQ_x')).toBe(true);
  });

  it('does not match another constraint, another error or nothing', () => {
    expect(isUniqueViolation({ code: '23505', constraint: 'UQ_y' }, 'UQ_x')).toBe(false);
    expect(isUniqueViolation({ code: '23503', constraint: 'UQ_x' }, 'UQ_x')).toBe(false);
    expect(isUniqueViolation(undefined, 'UQ_x')).toBe(false);
  });
});

describe('isDatabaseUnavailable', () => {
  it('matches a lost or refused connection, a shutdown and a full server, directly or wrapped', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([refused], ''))).toBe(true);
    expect(isDatabaseUnavailable({ driverError: { code: '57P01' } })).toBe(true);
    expect(isDatabaseUnavailable({ code: '08006' })).toBe(true);
    expect(isDatabaseUnavailable({ code: '53300' })).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('x', { cause: refused }))).toBe(true);
  });

  it('does not match a fault in the statement or the data', () => {
    expect(isDatabaseUnavailable({ code: '23505' })).toBe(false);
    expect(isDatabaseUnavailable({ driverError: { code: '42P01', message: 'relation "x" does not exist' } })).toBe(
      false,
    );
    expect(isDatabaseUnavailable(new TypeError('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
