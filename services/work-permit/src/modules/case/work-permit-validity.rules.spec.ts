import { describe, expect, it } from 'vitest';
import { lastDayOfYears } from '../../shared/dates.js';
import { maxValidUntil } from './work-permit-validity.rules.js';

describe('work permit validity', () => {
  it('A up to 5 years, B up to 2, C 1 year', () => {
    expect(maxValidUntil('A', '2026-03-02', '2040-01-01', '2040-01-01')).toEqual({
      until: '2031-03-01',
      limitedBy: 'CATEGORY',
    });
    expect(maxValidUntil('B', '2026-03-02', '2040-01-01', '2040-01-01')).toEqual({
      until: '2028-03-01',
      limitedBy: 'CATEGORY',
    });
    expect(maxValidUntil('C', '2026-03-02', '2040-01-01', '2040-01-01')).toEqual({
      until: '2027-03-01',
      limitedBy: 'CATEGORY',
    });
  });

  it('capped by the contract end and the passport expiry', () => {
    expect(maxValidUntil('A', '2026-03-02', '2027-06-30', '2029-01-01')).toEqual({
      until: '2027-06-30',
      limitedBy: 'CONTRACT',
    });
    expect(maxValidUntil('A', '2026-03-02', '2030-06-30', '2029-01-01')).toEqual({
      until: '2029-01-01',
      limitedBy: 'PASSPORT',
    });
  });

  it('a year from 29 February ends on 28 February', () => {
    expect(lastDayOfYears('2028-02-29', 1)).toBe('2029-02-28');
    expect(lastDayOfYears('2026-01-01', 1)).toBe('2026-12-31');
    expect(lastDayOfYears('2027-03-01', 1)).toBe('2028-02-29');
  });
});
