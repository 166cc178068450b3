import { describe, expect, it } from 'vitest';
import type { CaseReadinessEntity } from '../readiness/case-readiness.entity.js';
import { formatLetterNumber, formatReceiptNumber, formatTicketNumber } from '../shared/numbering.js';
import { readinessProblems, visitProblem, withdrawalProblems } from './acceptance.service.js';

const ready = (over: Partial<CaseReadinessEntity> = {}): CaseReadinessEntity => ({
  caseId: 'c1',
  reference: 'OS-2026-000001',
  employerId: 'e1',
  agencyId: 'a1',
  category: 'B',
  preExamPassed: true,
  wpMaterials: { complete: true, missing: [] },
  rpMaterials: { complete: true, missing: [] },
  interview: { required: true, satisfied: false, scheduled: true, reason: 'required' },
  readyForClaim: false,
  withdrawn: false,
  lastEventId: '1',
  updatedAt: new Date(0),
  ...over,
});

describe('what blocks acceptance', () => {
  it('nothing, when both checklists are complete and the interview is scheduled or satisfied', () => {
    expect(readinessProblems(ready())).toEqual([]);
    expect(
      readinessProblems(ready({ interview: { required: false, satisfied: true, scheduled: false, reason: 'exempt' } })),
    ).toEqual([]);
  });

  it('every missing item of both checklists, and the interview', () => {
    const problems = readinessProblems(
      ready({
        wpMaterials: { complete: false, missing: ['handler ID copy'] },
        rpMaterials: { complete: false, missing: ['photo', 'opinion letter'] },
        interview: { required: true, satisfied: false, scheduled: false, reason: 'no exemption applies' },
      }),
    );
    expect(problems).toEqual([
      'work permit materials missing: handler ID copy',
      'residence permit materials missing: photo',
      'residence permit materials missing: opinion letter',
      'interview: required (no exemption applies) but neither completed nor scheduled',
    ]);
  });

  it('what is not known yet, and a failed pre-examination', () => {
    expect(
      readinessProblems(ready({ preExamPassed: false, wpMaterials: null, rpMaterials: null, interview: null })),
    ).toEqual([
      'pre-examination has not passed',
      'work permit materials: the checklist has not been recorded yet',
      'residence permit materials: the checklist has not been recorded yet',
      'interview: the requirement is not known yet',
    ]);
    expect(readinessProblems(ready({ wpMaterials: { complete: false, missing: [] } }))).toEqual([
      'work permit materials: the checklist is not complete',
    ]);
  });
});

describe('a withdrawal blocks acceptance', () => {
  it('names when the agency withdrew, in Beijing time, from the event (its payload, else when it occurred)', () => {
    const occurredAt = new Date('2026-12-01T01:00:00Z');
    const payload = (withdrawnAt: string) => ({
      caseId: 'c-1',
      reference: 'OS-2026-000001',
      from: 'CHECKED_IN',
      reason: null,
      withdrawnAt: new Date(withdrawnAt),
    });
    expect(withdrawalProblems({ payload: payload('2026-12-01T02:35:10.000Z'), occurredAt }, false)).toEqual([
      'the agency withdrew the case at 2026-12-01 10:35 (Asia/Shanghai)',
    ]);
    expect(withdrawalProblems({ payload: payload('not a time'), occurredAt }, true)).toEqual([
      'the agency withdrew the case at 2026-12-01 09:00 (Asia/Shanghai)',
    ]);
  });

  it('the projection alone still blocks it; nothing, when neither knows of a withdrawal', () => {
    expect(withdrawalProblems(null, true)).toEqual(['the agency withdrew the case']);
    expect(withdrawalProblems(null, false)).toEqual([]);
  });
});

describe('numbers', () => {
  it('formats letters, receipts and tickets', () => {
    expect(formatLetterNumber(2026, 42)).toBe('AL-2026-000042');
    expect(formatReceiptNumber(2027, 1)).toBe('RA-2027-000001');
    expect(formatTicketNumber(true, 7)).toBe('P-007');
    expect(formatTicketNumber(false, 123)).toBe('W-123');
  });
});

describe('visitProblem (decision 0008: acceptance during a visit being served)', () => {
  it('accepts only while the ticket is being served', () => {
    expect(visitProblem('chaoyang-cbd', 'W-007', 'SERVING', 2)).toEqual([]);
  });
  it('says what to do for a ticket waiting, called or done', () => {
    expect(visitProblem('chaoyang-cbd', 'W-007', 'WAITING', null)).toEqual([
      'ticket W-007 is still waiting: call it to a window and start the service first',
    ]);
    expect(visitProblem('chaoyang-cbd', 'W-007', 'CALLED', 2)).toEqual([
      'ticket W-007 is called to window 2: start the service first',
    ]);
    expect(visitProblem('chaoyang-cbd', 'W-007', 'DONE', 2)).toEqual([
      'the visit of ticket W-007 is complete: check the applicant in again',
    ]);
  });
  it('treats no ticket, and a ticket that ended without the applicant at the window, as no visit', () => {
    for (const status of [null, 'MISSED', 'UNSERVED', 'WITHDRAWN']) {
      expect(visitProblem('xicheng', status ? 'P-001' : null, status, null)).toEqual([
        'the applicant has not checked in at counter xicheng today',
      ]);
    }
  });
});
