import { describe, expect, it } from 'vitest';
import { isUniqueViolation } from './pg-errors.js';

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
