import {
  assertNoProblems,
  ConflictError,
  InvalidTransitionError,
  shanghaiDate,
  type Actor,
  type CommandPipeline,
  type CommandSpec,
} from '@onestop/common';
import { EVENT_TYPES } from '@onestop/common/contract';
import { interviewOutcomeOf } from '../interview/interview-outcome.js';
import { allowedIn, permitTarget, personOf } from '../residence-permit/permit-command.js';
import type { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import type { PermitStore } from '../residence-permit/residence-permit.store.js';
import type { VerificationEntity } from '../verification/verification.entity.js';
import type { VerificationStore } from '../verification/verification.store.js';
import type { IssueResidencePermitInput } from './dto/decision.input.js';
import { issueDifferences, issueProblems, refusalProblems, sameReasons, type IssueInput } from './decision-rules.js';

interface Issue {
  caseId: string;
  /** The normalised request. */
  value: IssueInput;
}

interface Refusal {
  caseId: string;
  /** The reasons, trimmed. */
  reasons: readonly string[];
}

/**
 * The Exit-Entry decision, only once the documents are accepted (UNDER_REVIEW). The permit row
 * is locked for the decision, so of two officers deciding at once exactly one decides; the
 * other finds the decision made (INVALID_TRANSITION after an issue, FINAL_DECISION after a
 * refusal). A decision requested again exactly as it was made (a client retrying after a lost
 * response, or the same request sent several times at once) is answered with the permit, and
 * writes nothing: the retry cannot tell its own success from a failure otherwise.
 */
export class DecisionService {
  private readonly issuing: CommandSpec<Issue, ResidencePermitEntity, ResidencePermitEntity>;
  private readonly refusing: CommandSpec<Refusal, ResidencePermitEntity, ResidencePermitEntity>;

  constructor(
    permits: PermitStore,
    verifications: VerificationStore,
    private readonly commands: CommandPipeline,
  ) {
    this.issuing = {
      ...permitTarget(permits),
      name: 'issueResidencePermit',
      action: 'residencePermit.decide',
      // After the scope check: a refused permit goes on to FINAL_DECISION.
      replay: async (_tx, permit, { value }) => {
        if (permit.status !== 'ISSUED') return null;
        const differences = issueDifferences(permit, value);
        if (!differences.length) return permit;
        throw alreadyIssued(permit, differences);
      },
      rules: allowedIn(['UNDER_REVIEW'], 'issue the residence permit'),
      execute: async (cx, permit, { value }) => {
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
        const outstanding = await verifications.outstanding(cx.tx, permit.id);
        if (outstanding.length) throw outstandingVerifications(permit.caseReference, outstanding);
        if (await permits.permitNumberTaken(cx.tx, value.permitNumber, permit.id))
          throw new ConflictError(`Permit number ${value.permitNumber} is already used by another residence permit.`, {
            permitNumber: value.permitNumber,
          });
        permit.status = 'ISSUED';
        permit.permitNumber = value.permitNumber;
        permit.validFrom = value.validFrom;
        permit.validUntil = value.validUntil;
        permit.refusalReasons = null;
        recordDecider(permit, personOf(cx), cx.now);
        await permits.save(cx.tx, permit);
        cx.emit(EVENT_TYPES.residencePermitIssued, {
          caseId: permit.caseId,
          permitNumber: value.permitNumber,
          validFrom: value.validFrom,
          validUntil: value.validUntil,
          decidedAt: cx.now.toISOString(),
        });
        return permit;
      },
    };

    this.refusing = {
      ...permitTarget(permits),
      name: 'refuseResidencePermit',
      action: 'residencePermit.decide',
      // The same reasons in the same order repeat the refusal; anything else is FINAL_DECISION.
      replay: async (_tx, permit, { reasons }) =>
        permit.status === 'REFUSED' && sameReasons(permit.refusalReasons, reasons) ? permit : null,
      rules: allowedIn(['UNDER_REVIEW'], 'refuse the residence permit'),
      execute: async (cx, permit, { reasons }) => {
        permit.status = 'REFUSED';
        permit.refusalReasons = [...reasons];
        recordDecider(permit, personOf(cx), cx.now);
        await permits.save(cx.tx, permit);
        cx.emit(EVENT_TYPES.residencePermitRefused, {
          caseId: permit.caseId,
          reasons: [...reasons],
          decidedAt: cx.now.toISOString(),
        });
        return permit;
      },
    };
  }

  async issue(actor: Actor, caseId: string, input: IssueResidencePermitInput): Promise<ResidencePermitEntity> {
    const { value, problems } = issueProblems(input);
    assertNoProblems('The residence permit cannot be issued', problems);
    return this.commands.run(actor, this.issuing, { caseId, value });
  }

  async refuse(actor: Actor, caseId: string, reasons: readonly string[]): Promise<ResidencePermitEntity> {
    const { value, problems } = refusalProblems(reasons);
    assertNoProblems('The residence permit cannot be refused', problems);
    return this.commands.run(actor, this.refusing, { caseId, reasons: value });
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
