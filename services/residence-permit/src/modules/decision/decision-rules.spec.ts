import { describe, expect, it } from 'vitest';
import { issueDifferences, issueProblems, latestValidUntil, refusalProblems, sameReasons } from './decision-rules.js';

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

describe('issueDifferences', () => {
  const issued = { permitNumber: 'RP-2026-001', validFrom: '2026-03-10', validUntil: '2031-03-10' };

  it('is empty for a retry of the issue, compared after normalising as the service stores it', () => {
    const { value } = issueProblems({
      permitNumber: ' rp-2026-001 ',
      validFrom: '2026-03-10',
      validUntil: '2031-03-10',
    });
    expect(issueDifferences(issued, value)).toEqual([]);
  });

  it('names every field that differs, with what was issued and what is requested', () => {
    expect(
      issueDifferences(issued, { permitNumber: 'RP-2026-002', validFrom: '2026-03-11', validUntil: '2030-03-10' }),
    ).toEqual([
      'permitNumber: RP-2026-001 issued, RP-2026-002 requested',
      'validFrom: 2026-03-10 issued, 2026-03-11 requested',
      'validUntil: 2031-03-10 issued, 2030-03-10 requested',
    ]);
    expect(issueDifferences({ permitNumber: null, validFrom: null, validUntil: null }, issued)).toHaveLength(3);
  });
});

describe('sameReasons', () => {
  it('holds for the same reasons in the same order only', () => {
    const recorded = ['Purpose of stay not established', 'Employer letter inconsistent'];
    const { value } = refusalProblems([' Purpose of stay not established', 'Employer letter inconsistent ']);
    expect(sameReasons(recorded, value)).toBe(true);
    expect(sameReasons(recorded, [...recorded].reverse())).toBe(false);
    expect(sameReasons(recorded, recorded.slice(0, 1))).toBe(false);
    expect(sameReasons(recorded, [...recorded, 'Another'])).toBe(false);
    expect(sameReasons(null, recorded)).toBe(false);
  });
});
