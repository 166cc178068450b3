import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '@onestop/common';
import { CASE_STATUSES } from '@onestop/common/contract';
import { assertMove, canMove, STATUS_MOVES } from './case-status.rules.js';

describe('case lifecycle moves', () => {
  it('follows DOMAIN.md', () => {
    expect(canMove('SUBMITTED', 'passPreExamination')).toBe(true);
    expect(canMove('RETURNED', 'passPreExamination')).toBe(false);
    expect(canMove('RETURNED', 'resubmit')).toBe(true);
    expect(canMove('PRE_EXAM_PASSED', 'checkIn')).toBe(true); // Category A walks in
    expect(canMove('CHECKED_IN', 'withdraw')).toBe(true);
    expect(canMove('ACCEPTED', 'withdraw')).toBe(false);
    expect(canMove('READY_FOR_CLAIM', 'claim')).toBe(true);
  });

  it('nothing leaves WITHDRAWN or CLAIMED', () => {
    for (const move of Object.keys(STATUS_MOVES) as (keyof typeof STATUS_MOVES)[]) {
      expect(canMove('WITHDRAWN', move)).toBe(false);
      expect(canMove('CLAIMED', move)).toBe(false);
    }
  });

  it('every status is reachable', () => {
    const targets = new Set(Object.values(STATUS_MOVES).map((m) => m.to));
    for (const s of CASE_STATUSES) if (s !== 'SUBMITTED') expect(targets.has(s), s).toBe(true);
  });

  it('a refused move names the case, its status and what it needs', () => {
    expect(() =>
      assertMove('WITHDRAWN', 'passPreExamination', 'passing the pre-examination', 'OS-2026-000001'),
    ).toThrow(InvalidTransitionError);
    expect(() =>
      assertMove('WITHDRAWN', 'passPreExamination', 'passing the pre-examination', 'OS-2026-000001'),
    ).toThrow('Case OS-2026-000001 is WITHDRAWN; passing the pre-examination needs it to be SUBMITTED.');
  });
});
