import { describe, expect, it } from 'vitest';
import { issueProblems, latestValidUntil, refusalProblems } from './decision-rules.js';

describe('issueProblems', () => {
  it('accepts a validity of up to five years and normalises the permit number', () => {
    const r = issueProblems({ permitNumber: ' rp-2026-001 ', validFrom: '2026-03-10', validUntil: '2031-03-10' });
    expect(r.problems).toEqual([]);
    expect(r.value).toEqual({ permitNumber: 'RP-2026-001', validFrom: '2026-03-10', validUntil: '2031-03-10' });
  });

  it('refuses validUntil on or before validFrom', () => {
    expect(
      issueProblems({ permitNumber: 'RP1234', validFrom: '2026-03-10', validUntil: '2026-03-10' }).problems,
    ).toEqual(['validUntil (2026-03-10) must be after validFrom (2026-03-10)']);
    expect(
      issueProblems({ permitNumber: 'RP1234', validFrom: '2026-03-10', validUntil: '2026-03-09' }).problems,
    ).toHaveLength(1);
  });

  it('refuses more than five years', () => {
    expect(
      issueProblems({ permitNumber: 'RP1234', validFrom: '2026-03-10', validUntil: '2031-03-11' }).problems[0],
    ).toMatch(/at most 5 years after validFrom, i.e. on or before 2031-03-10/);
  });

  it('lists every problem at once', () => {
    expect(issueProblems({ permitNumber: '', validFrom: '2026-02-30', validUntil: 'soon' }).problems).toEqual([
      'permitNumber must be 4 to 32 letters, digits or dashes, starting with a letter or digit',
      'validFrom must be a date as YYYY-MM-DD, got "2026-02-30"',
      'validUntil must be a date as YYYY-MM-DD, got "soon"',
    ]);
  });
});

describe('latestValidUntil', () => {
  it('is the same day five years on; 29 February falls back to 28 February in a common year', () => {
    expect(latestValidUntil('2026-03-10')).toBe('2031-03-10');
    expect(latestValidUntil('2028-02-29')).toBe('2033-02-28');
    expect(latestValidUntil('2024-02-29')).toBe('2029-02-28');
  });
});

describe('refusalProblems', () => {
  it('needs at least one non-empty reason', () => {
    expect(refusalProblems([]).problems).toEqual(['reasons must give at least one reason for the refusal']);
    expect(refusalProblems(['  ', 'ok']).problems).toEqual(['reasons[0] is empty']);
    expect(refusalProblems([' Discrepancy in employment history ']).value).toEqual([
      'Discrepancy in employment history',
    ]);
  });
});
