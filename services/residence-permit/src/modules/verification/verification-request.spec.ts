import { describe, expect, it } from 'vitest';
import { ConflictError } from '@onestop/common';
import {
  keyUsedForAnotherRequest,
  outcomeDifferences,
  requestDifferences,
  scheduledRequest,
  timingProblems,
} from './verification-request.js';

const CASE = '6f1c2a3b-0000-4000-8000-000000000001';
const OTHER_CASE = '6f1c2a3b-0000-4000-8000-000000000002';
const AT = new Date('2026-12-01T02:00:00Z');
const earlier = {
  id: 'a1b2c3d4-0000-4000-8000-000000000009',
  caseId: CASE,
  kind: 'TELEPHONE_INTERVIEW' as const,
  scheduledAt: AT,
  location: 'Room 3',
};

describe('requestDifferences', () => {
  it('is empty for the same request (dates compared by instant, not by object)', () => {
    expect(
      requestDifferences(earlier, {
        caseId: CASE,
        kind: 'TELEPHONE_INTERVIEW',
        scheduledAt: new Date(AT),
        location: 'Room 3',
      }),
    ).toEqual([]);
  });

  it('names every field that differs, with its value before and now', () => {
    expect(
      requestDifferences(earlier, {
        caseId: OTHER_CASE,
        kind: 'ON_SITE_INVESTIGATION',
        scheduledAt: new Date(AT.getTime() + 60_000),
        location: null,
      }),
    ).toEqual([
      `caseId: ${CASE} before, ${OTHER_CASE} now`,
      'kind: TELEPHONE_INTERVIEW before, ON_SITE_INVESTIGATION now',
      'scheduledAt: 2026-12-01T02:00:00.000Z before, 2026-12-01T02:01:00.000Z now',
      'location: "Room 3" before, null now',
    ]);
  });
});

describe('keyUsedForAnotherRequest', () => {
  it('is a CONFLICT naming the verification and every difference', () => {
    const same = { caseId: CASE, kind: 'TELEPHONE_INTERVIEW' as const, scheduledAt: AT, location: 'Room 3' };
    const e = keyUsedForAnotherRequest(earlier, { ...same, location: 'Room 4' }, 'k-1');
    expect(e).toBeInstanceOf(ConflictError);
    expect(e.extensions.code).toBe('CONFLICT');
    expect(e.message).toMatch(
      /"k-1" was already used for verification a1b2c3d4-.*\(location: "Room 3" before, "Room 4" now/,
    );
    expect(e.extensions.differences).toEqual(['location: "Room 3" before, "Room 4" now']);
    expect(e.extensions.verificationId).toBe(earlier.id);
  });
});

describe('scheduledRequest', () => {
  it('keeps what a retry must repeat, and nothing else', () => {
    const req = { caseId: CASE, kind: 'TELEPHONE_INTERVIEW' as const, scheduledAt: AT, location: null };
    expect(scheduledRequest({ ...req, idempotencyKey: 'k', officerId: 'o' } as typeof req)).toEqual(req);
  });
});

describe('timingProblems', () => {
  const now = new Date('2026-11-30T00:00:00Z');
  it('accepts a time in the future up to 180 days ahead', () => {
    expect(timingProblems(new Date(now.getTime() + 1), now)).toEqual([]);
    expect(timingProblems(new Date(now.getTime() + 180 * 86_400_000), now)).toEqual([]);
  });
  it('refuses now or earlier, and more than 180 days ahead', () => {
    expect(timingProblems(now, now)).toEqual(['scheduledAt must be in the future (now is 2026-11-30T00:00:00.000Z)']);
    expect(timingProblems(new Date(now.getTime() + 180 * 86_400_000 + 1), now)).toEqual([
      'scheduledAt must be at most 180 days ahead',
    ]);
  });
  it('leaves an unparseable date to the format check', () => {
    expect(timingProblems(new Date(Number.NaN), now)).toEqual([]);
  });
});

describe('outcomeDifferences', () => {
  it('is empty for the same outcome and notes (no notes and none given alike)', () => {
    expect(outcomeDifferences({ outcome: 'CONFIRMED', notes: null }, { outcome: 'CONFIRMED', notes: null })).toEqual(
      [],
    );
    expect(
      outcomeDifferences(
        { outcome: 'DISCREPANCY', notes: 'Start date' },
        { outcome: 'DISCREPANCY', notes: 'Start date' },
      ),
    ).toEqual([]);
  });

  it('names a different outcome, and different notes without quoting them', () => {
    expect(outcomeDifferences({ outcome: 'CONFIRMED', notes: null }, { outcome: 'NO_SHOW', notes: null })).toEqual([
      'outcome: CONFIRMED recorded, NO_SHOW requested',
    ]);
    expect(
      outcomeDifferences({ outcome: 'DISCREPANCY', notes: 'Start date' }, { outcome: 'DISCREPANCY', notes: 'Salary' }),
    ).toEqual(['notes: differ from the notes recorded']);
    expect(outcomeDifferences({ outcome: 'CONFIRMED', notes: null }, { outcome: 'CONFIRMED', notes: 'Seen' })).toEqual([
      'notes: none recorded, this request has notes',
    ]);
    expect(outcomeDifferences({ outcome: 'CONFIRMED', notes: 'Seen' }, { outcome: 'NO_SHOW', notes: null })).toEqual([
      'outcome: CONFIRMED recorded, NO_SHOW requested',
      'notes: recorded, this request has none',
    ]);
  });
});
