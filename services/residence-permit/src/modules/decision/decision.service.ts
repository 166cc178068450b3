import { IsNull, Not } from 'typeorm';
import { assertNoProblems, ConflictError, InvalidTransitionError, shanghaiDate, type Actor } from '@onestop/common';
import { EVENT_TYPES, type PermitIssuedPayload, type PermitRefusedPayload } from '@onestop/common/contract';
import { interviewOutcomeOf } from '../interview/interview-outcome.js';
import type { PermitCommands } from '../residence-permit/permit-command.js';
import { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import { VerificationEntity } from '../verification/verification.entity.js';
import type { IssueResidencePermitInput } from './dto/decision.input.js';
import { issueDifferences, issueProblems, refusalProblems, sameReasons } from './decision-rules.js';

/**
 * The Exit-Entry decision, only once the documents are accepted (UNDER_REVIEW). The permit row
 * is locked for the decision, so of two officers deciding at once exactly one decides; the
 * other finds the decision made (INVALID_TRANSITION after an issue, FINAL_DECISION after a
 * refusal). A decision requested again exactly as it was made (a client retrying after a lost
 * response, or the same request sent several times at once) is answered with the permit, and
 * writes nothing: the retry cannot tell its own success from a failure otherwise.
 */
export class DecisionService {
  constructor(private readonly commands: PermitCommands) {}

  async issue(actor: Actor, caseId: string, input: IssueResidencePermitInput): Promise<ResidencePermitEntity> {
    const { value, problems } = issueProblems(input);
    assertNoProblems('The residence permit cannot be issued', problems);
    return this.commands.run(
      actor,
      caseId,
      {
        action: 'residencePermit.decide',
        allowedIn: ['UNDER_REVIEW'],
        what: 'issue the residence permit',
        // Under the lock, after the scope check: a refused permit goes on to FINAL_DECISION.
        replay: async (permit) => {
          if (permit.status !== 'ISSUED') return null;
          const differences = issueDifferences(permit, value);
          if (!differences.length) return permit;
          throw alreadyIssued(permit, differences);
        },
      },
      async (permit, tx, now) => {
        const interview = interviewOutcomeOf(permit);
        if (!interview.satisfied) {
          throw new InvalidTransitionError(
            `Cannot issue the residence permit of case ${permit.caseReference}: a face-to-face interview is required and none is recorded as completed${
              interview.scheduled ? ' (one is scheduled; record its outcome first)' : ''
            }. ${interview.reason}`,
            { reason: 'INTERVIEW_REQUIRED' },
          );
        }
        // A verification the officer ordered is part of the review: decide on its outcome, not before it.
        const outstanding = await tx
          .getRepository(VerificationEntity)
          .find({ where: { permitId: permit.id, outcome: IsNull() }, order: { scheduledAt: 'ASC' } });
        if (outstanding.length) throw outstandingVerifications(permit.caseReference, outstanding);
        const taken = await tx
          .getRepository(ResidencePermitEntity)
          .exists({ where: { permitNumber: value.permitNumber, id: Not(permit.id) } });
        if (taken)
          throw new ConflictError(`Permit number ${value.permitNumber} is already used by another residence permit.`, {
            permitNumber: value.permitNumber,
          });
        permit.status = 'ISSUED';
        permit.permitNumber = value.permitNumber;
        permit.validFrom = value.validFrom;
        permit.validUntil = value.validUntil;
        permit.refusalReasons = null;
        recordDecider(permit, actor, now);
        await tx.save(permit);
        const payload: PermitIssuedPayload = {
          caseId: permit.caseId,
          permitNumber: value.permitNumber,
          validFrom: value.validFrom,
          validUntil: value.validUntil,
          decidedAt: now.toISOString(),
        };
        return { result: permit, events: [{ type: EVENT_TYPES.residencePermitIssued, payload }] };
      },
    );
  }

  async refuse(actor: Actor, caseId: string, reasons: readonly string[]): Promise<ResidencePermitEntity> {
    const { value, problems } = refusalProblems(reasons);
    assertNoProblems('The residence permit cannot be refused', problems);
    return this.commands.run(
      actor,
      caseId,
      {
        action: 'residencePermit.decide',
        allowedIn: ['UNDER_REVIEW'],
        what: 'refuse the residence permit',
        // The same reasons in the same order repeat the refusal; anything else is FINAL_DECISION.
        replay: async (permit) =>
          permit.status === 'REFUSED' && sameReasons(permit.refusalReasons, value) ? permit : null,
      },
      async (permit, tx, now) => {
        permit.status = 'REFUSED';
        permit.refusalReasons = value;
        recordDecider(permit, actor, now);
        await tx.save(permit);
        const payload: PermitRefusedPayload = { caseId: permit.caseId, reasons: value, decidedAt: now.toISOString() };
        return { result: permit, events: [{ type: EVENT_TYPES.residencePermitRefused, payload }] };
      },
    );
  }
}

function recordDecider(permit: ResidencePermitEntity, actor: Actor, now: Date): void {
  permit.decidedBy = actor.id;
  permit.decidedByName = actor.name;
  permit.decidedAt = now;
  permit.updatedAt = now;
}

/** An issue that would change the permit already issued: the decision stands, and the error says what it is. */
function alreadyIssued(permit: ResidencePermitEntity, differences: readonly string[]): InvalidTransitionError {
  const on = permit.decidedAt ? ` on ${shanghaiDate(permit.decidedAt)}` : '';
  return new InvalidTransitionError(
    `Cannot issue the residence permit of case ${permit.caseReference}: it was already issued${on} as ${permit.permitNumber ?? ''}, valid from ${permit.validFrom ?? ''} to ${permit.validUntil ?? ''}, and this request differs (${differences.join('; ')}). An issued permit is not issued again.`,
    {
      status: permit.status,
      permitNumber: permit.permitNumber,
      validFrom: permit.validFrom,
      validUntil: permit.validUntil,
      differences,
    },
  );
}

/** Refuses to issue while verifications the officer ordered have no outcome yet. */
function outstandingVerifications(reference: string, open: readonly VerificationEntity[]): InvalidTransitionError {
  const list = open.map((v) => `${v.kind} scheduled for ${shanghaiTime(v.scheduledAt)}`).join('; ');
  const what = open.length === 1 ? 'a verification is' : `${open.length} verifications are`;
  return new InvalidTransitionError(
    `Cannot issue the residence permit of case ${reference}: ${what} still outstanding (${list}). Record each outcome first (NO_SHOW if it did not take place); a refusal does not have to wait.`,
    { reason: 'VERIFICATION_OUTSTANDING', verificationIds: open.map((v) => v.id) },
  );
}

/** "2026-12-01 10:30 (Asia/Shanghai)". */
function shanghaiTime(at: Date): string {
  const hm = new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(11, 16);
  return `${shanghaiDate(at)} ${hm} (Asia/Shanghai)`;
}
