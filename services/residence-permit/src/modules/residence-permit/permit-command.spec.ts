import { describe, expect, it } from 'vitest';
import { can, type Actor, type OneStopError } from '@onestop/common';
import { allowedIn, NoPermitForCase, OPEN_STATUSES, permitTarget, reactionTarget } from './permit-command.js';
import { ResidencePermitEntity, type ResidencePermitStatus } from './residence-permit.entity.js';
import type { PermitStore } from './residence-permit.store.js';

const CASE_ID = '6f1c2a3b-0000-4000-8000-000000000001';
const EMPLOYER = 'e0000000-0000-4000-8000-000000000001';
const OTHER_EMPLOYER = 'e0000000-0000-4000-8000-000000000002';

function permit(status: ResidencePermitStatus): ResidencePermitEntity {
  return Object.assign(new ResidencePermitEntity(), {
    id: 'p-1',
    caseId: CASE_ID,
    caseReference: 'OS-2026-000001',
    employerId: EMPLOYER,
    status,
    permitNumber: status === 'ISSUED' ? 'RP-0001' : null,
    decidedAt: status === 'REFUSED' || status === 'ISSUED' ? new Date('2026-12-01T02:00:00Z') : null,
  });
}

function agency(employerIds: string[]): Actor {
  return { id: 'agency-1', role: 'AGENCY', name: 'Agency', agencyId: 'agency-1', employerIds, counterId: null };
}

function failure(fn: () => void): { code: unknown; message: string } | null {
  try {
    fn();
  } catch (err) {
    return { code: (err as OneStopError).extensions?.code, message: (err as Error).message };
  }
  return null;
}

describe('allowedIn: the declared rule of a command on a permit', () => {
  const rule = allowedIn(OPEN_STATUSES, 'demand an interview');

  it('lets the command run in the statuses it names', () => {
    expect(failure(() => rule(permit('AWAITING_DOCUMENTS')))).toBeNull();
    expect(failure(() => rule(permit('UNDER_REVIEW')))).toBeNull();
  });

  it('a refusal is final whatever the command: FINAL_DECISION naming the day, before any status check', () => {
    expect(failure(() => rule(permit('REFUSED')))).toEqual({
      code: 'FINAL_DECISION',
      message:
        'The residence permit of case OS-2026-000001 was refused on 2026-12-01. A refusal is final (seed §6.5): you cannot demand an interview any more.',
    });
    expect(failure(() => allowedIn(['REFUSED'], 'do it')(permit('REFUSED')))?.code).toBe('FINAL_DECISION');
  });

  it('any other status is INVALID_TRANSITION saying why', () => {
    expect(failure(() => rule(permit('ISSUED')))).toEqual({
      code: 'INVALID_TRANSITION',
      message: 'Cannot demand an interview for case OS-2026-000001: the residence permit was already issued (RP-0001).',
    });
    expect(failure(() => rule(permit('WITHDRAWN')))?.message).toBe(
      'Cannot demand an interview for case OS-2026-000001: the case was withdrawn.',
    );
    expect(failure(() => allowedIn(['AWAITING_DOCUMENTS'], 'record materials')(permit('UNDER_REVIEW')))?.message).toBe(
      'Cannot record materials for case OS-2026-000001: the documents were already accepted at the counter.',
    );
  });
});

describe('permitTarget: the permit of the case, scoped by its employer', () => {
  const store = {} as PermitStore;
  const target = permitTarget<{ caseId: string }>(store);

  it('scopes by the permit’s employer: an agency of another employer is refused by the pipeline', () => {
    const resource = target.resource(permit('UNDER_REVIEW'), { caseId: CASE_ID });
    expect(can(agency([EMPLOYER]), 'residencePermit.recordProxy', resource)).toBe(true);
    expect(can(agency([OTHER_EMPLOYER]), 'residencePermit.recordProxy', resource)).toBe(false);
  });

  it('a missing permit is NOT_FOUND for a person, and NoPermitForCase (skipped) for a reaction', () => {
    expect((target.notFound({ caseId: CASE_ID }) as OneStopError).extensions.code).toBe('NOT_FOUND');
    expect(reactionTarget<{ caseId: string }>(store).notFound({ caseId: CASE_ID })).toBeInstanceOf(NoPermitForCase);
  });

  it('its events are about the case, scoped to the employer', () => {
    expect(target.subject(permit('UNDER_REVIEW'), { caseId: CASE_ID })).toEqual({
      aggregateId: CASE_ID,
      employerId: EMPLOYER,
    });
  });
});
