import {
  assertCan,
  BadUserInputError,
  ConflictError,
  InvalidTransitionError,
  shanghaiDate,
  type Actor,
  type CommandPipeline,
  type CommandSpec,
} from '@onestop/common';
import {
  EVENT_TYPES,
  type CaseReadyForClaimPayload,
  type PermitIssuedPayload,
  type PermitRefusedPayload,
} from '@onestop/common/contract';
import { changeCase, ON_CASE, type CaseChanges } from '../case/case-changes.js';
import { canMove } from '../case/case-status.rules.js';
import { CaseEntity } from '../case/case.entity.js';
import { checkDate } from '../../shared/dates.js';
import { maxValidUntil } from '../case/work-permit-validity.rules.js';

const PERMIT_NUMBER = /^[A-Z0-9][A-Z0-9-]{5,39}$/;

/**
 * Moves an ACCEPTED case to READY_FOR_CLAIM once both permits are decided (issued or
 * refused), appending `case.ready-for-claim`. Called after either decision is recorded.
 */
export function markReadyIfBothDecided(c: CaseEntity, changes: CaseChanges): void {
  if (c.wpStatus === 'PENDING' || c.rpStatus === 'PENDING' || !canMove(c.status, 'readyForClaim')) return;
  changes.set(c, { readyAt: changes.at });
  const payload: CaseReadyForClaimPayload = {
    caseId: c.id,
    reference: c.reference,
    workPermit: c.wpStatus,
    residencePermit: c.rpStatus,
    readyAt: changes.at.toISOString(),
  };
  changes.event(c, EVENT_TYPES.caseReadyForClaim, payload);
  changes.move(c, 'READY_FOR_CLAIM', 'READY_FOR_CLAIM', `Work permit ${c.wpStatus}, residence permit ${c.rpStatus}`);
}

interface IssuePermit {
  caseId: string;
  permitNumber: string;
  validUntil?: string | null;
}

/** The Talents Center's work-permit review and decision (WP_OFFICER), after the documents are accepted. */
export class WorkPermitDecisionService {
  constructor(private readonly commands: CommandPipeline) {}

  /**
   * Issues the work permit. Validity runs from today (Shanghai) for up to 5 years (A), 2 (B) or
   * 1 (C), and never past the contract's end or the passport's expiry; `validUntil` may ask
   * for less. Without it the longest allowed validity is granted.
   */
  async issue(
    actor: Actor | null,
    caseId: string,
    input: { permitNumber: string; validUntil?: string | null },
  ): Promise<CaseEntity> {
    assertCan(actor, 'workPermit.decide');
    return this.commands.run(actor, this.issuePermit, { caseId, ...input });
  }

  private readonly issuePermit: CommandSpec<IssuePermit, CaseEntity, CaseEntity> = {
    name: 'issueWorkPermit',
    action: 'workPermit.decide',
    ...ON_CASE,
    rules: undecided,
    execute: (cx, c, input) =>
      changeCase(cx, async (changes) => {
        const now = cx.now;
        const validFrom = shanghaiDate(now);
        const problems: string[] = [];
        const permitNumber = (input.permitNumber ?? '').trim().toUpperCase();
        if (!PERMIT_NUMBER.test(permitNumber)) problems.push('permitNumber must be 6 to 40 letters, digits or "-"');
        const max = maxValidUntil(c.category, validFrom, c.contractEndsOn, c.passportExpiresOn);
        let validUntil = max.until;
        if (input.validUntil) {
          const asked = checkDate(input.validUntil, 'validUntil', problems);
          if (asked && asked < validFrom)
            problems.push(`validUntil ${asked} is before the permit starts (${validFrom})`);
          else if (asked && asked > max.until) {
            problems.push(
              `validUntil ${asked} is past the longest validity allowed, ${max.until} (${describeLimit(max.limitedBy, c.category)})`,
            );
          } else if (asked) validUntil = asked;
        }
        if (max.until < validFrom) {
          problems.push(
            `the ${max.limitedBy === 'CONTRACT' ? 'contract ended' : 'passport expired'} on ${max.until}: no validity is possible; refuse the permit instead`,
          );
        }
        if (problems.length) throw new BadUserInputError('The work permit cannot be issued', problems);
        const taken = await cx.tx.getRepository(CaseEntity).findOneBy({ wpPermitNumber: permitNumber });
        if (taken)
          throw new ConflictError(`Permit number ${permitNumber} is already issued on case ${taken.reference}.`, {
            permitNumber,
          });
        changes.set(c, {
          wpStatus: 'ISSUED',
          wpPermitNumber: permitNumber,
          wpValidFrom: validFrom,
          wpValidUntil: validUntil,
          wpDecidedAt: now,
          wpDecidedBy: cx.actor!.id,
        });
        const payload: PermitIssuedPayload = {
          caseId: c.id,
          permitNumber,
          validFrom,
          validUntil,
          decidedAt: now.toISOString(),
        };
        changes.event(c, EVENT_TYPES.workPermitIssued, payload);
        changes.note(c, 'WORK_PERMIT_ISSUED', `Permit ${permitNumber}, valid ${validFrom} to ${validUntil}`);
        markReadyIfBothDecided(c, changes);
        return c;
      }),
  };

  /** Refuses the work permit, with the reasons. */
  async refuse(actor: Actor | null, caseId: string, rawReasons: readonly string[]): Promise<CaseEntity> {
    assertCan(actor, 'workPermit.decide');
    const reasons = (rawReasons ?? []).map((r) => (r ?? '').trim());
    const problems: string[] = [];
    if (!reasons.length) problems.push('reasons must give at least one reason for the refusal');
    reasons.forEach((r, i) => {
      if (!r || r.length > 2000) problems.push(`reasons[${i}] must be 1 to 2000 characters`);
    });
    if (problems.length) throw new BadUserInputError('The work permit cannot be refused', problems);
    return this.commands.run(actor, this.refusePermit, { caseId, reasons });
  }

  private readonly refusePermit: CommandSpec<{ caseId: string; reasons: string[] }, CaseEntity, CaseEntity> = {
    name: 'refuseWorkPermit',
    action: 'workPermit.decide',
    ...ON_CASE,
    rules: undecided,
    execute: (cx, c, { reasons }) =>
      changeCase(cx, (changes) => {
        const now = cx.now;
        changes.set(c, { wpStatus: 'REFUSED', wpRefusalReasons: reasons, wpDecidedAt: now, wpDecidedBy: cx.actor!.id });
        const payload: PermitRefusedPayload = { caseId: c.id, reasons, decidedAt: now.toISOString() };
        changes.event(c, EVENT_TYPES.workPermitRefused, payload);
        changes.note(c, 'WORK_PERMIT_REFUSED', reasons.join('; '));
        markReadyIfBothDecided(c, changes);
        return c;
      }),
  };
}

/** The work permit may be decided now: the case is accepted at the counter, its permit not yet decided. */
function undecided(c: CaseEntity): void {
  if (c.wpStatus !== 'PENDING') {
    throw new InvalidTransitionError(
      `The work permit of case ${c.reference} is already ${c.wpStatus}; a decision is made once.`,
      {
        status: c.status,
        workPermit: c.wpStatus,
      },
    );
  }
  if (c.status !== 'ACCEPTED') {
    throw new InvalidTransitionError(
      `Case ${c.reference} is ${c.status}; the work permit is decided only after the documents are accepted at the counter (ACCEPTED).`,
      { status: c.status, allowedFrom: ['ACCEPTED'] },
    );
  }
}

function describeLimit(by: 'CATEGORY' | 'CONTRACT' | 'PASSPORT', category: string): string {
  if (by === 'CONTRACT') return 'the employment contract ends then';
  if (by === 'PASSPORT') return 'the passport expires then';
  return `the longest validity for Category ${category}`;
}
