import type { EntityManager } from 'typeorm';
import {
  textProblem,
  isUuid,
  type CalendarStore,
  type Clock,
  type CommandPipeline,
  type CommandSpec,
  type Logger,
} from '@onestop/common';
import { EVENT_TYPES, type TypedEvent } from '@onestop/common/contract';
import { MAX_RECEIPT_NUMBER_LENGTH, receiptCheck, type ReceiptCheck } from '../../shared/custody-rules.js';
import { reactionTarget, reactToCase } from '../residence-permit/permit-command.js';
import type { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import type { PermitStore } from '../residence-permit/residence-permit.store.js';
import type { PassportCustody } from './custody.type.js';

type Acceptance = TypedEvent<typeof EVENT_TYPES.documentsAccepted>;
type Claim = TypedEvent<typeof EVENT_TYPES.claimRecorded>;
/** The accepted documents, with the receipt number as held (trimmed, upper case). */
type HoldInput = Acceptance['payload'] & { receipt: string; eventId: string };
type ReleaseInput = Claim['payload'] & { eventId: string };

/** Passport custody (docs/decisions/0004): held at acceptance, released at the claim; the public receipt check. */
export class CustodyService {
  private readonly hold: CommandSpec<HoldInput, ResidencePermitEntity, void>;
  private readonly release: CommandSpec<ReleaseInput, ResidencePermitEntity, void>;

  constructor(
    private readonly permits: PermitStore,
    private readonly commands: CommandPipeline,
    private readonly clock: Clock,
    private readonly calendar: CalendarStore,
    private readonly logger: Logger,
  ) {
    this.hold = {
      ...reactionTarget(permits),
      name: 'holdPassport',
      action: 'documents.accept',
      execute: async (cx, permit, p) => {
        const log = this.logger.child({ eventId: p.eventId, caseId: p.caseId });
        if (permit.receiptNumber) {
          if (permit.receiptNumber !== p.receipt)
            log.error(
              { held: permit.receiptNumber, receipt: p.receipt },
              'a second acceptance for the same case: ignored',
            );
          return;
        }
        if (permit.status !== 'AWAITING_DOCUMENTS') {
          log.error(
            { status: permit.status },
            'case.documents-accepted for a residence permit that is not awaiting documents: ignored',
          );
          return;
        }
        if (await permits.receiptTaken(cx.tx, p.receipt, permit.id)) {
          log.error(
            { receipt: p.receipt },
            'receipt number already held for another case: passport custody not recorded',
          );
          return;
        }
        permit.status = 'UNDER_REVIEW';
        permit.documentsAcceptedAt = p.acceptedAt;
        permit.receiptNumber = p.receipt;
        permit.passportHeldSince = p.acceptedAt;
        permit.passportHeldCounterId = p.counterId;
        permit.updatedAt = cx.now;
        await permits.save(cx.tx, permit);
      },
    };

    this.release = {
      ...reactionTarget(permits),
      name: 'releasePassport',
      action: 'claim.record',
      execute: async (cx, permit, p) => {
        const heldSince = permit.passportHeldSince;
        if (!heldSince) {
          this.logger.warn(
            { eventId: p.eventId, caseId: p.caseId },
            'case.claim-recorded but no passport is held for the case',
          );
          return;
        }
        if (permit.passportReleasedAt) return;
        const releasedAt = p.claimedAt < heldSince ? heldSince : p.claimedAt;
        permit.passportReleasedAt = releasedAt;
        permit.passportReleasedCounterId = p.counterId;
        permit.updatedAt = cx.now;
        await permits.save(cx.tx, permit);
        cx.emit(
          EVENT_TYPES.passportReleased,
          {
            caseId: permit.caseId,
            counterId: permit.passportReleasedCounterId,
            heldSince: heldSince.toISOString(),
            releasedAt: releasedAt.toISOString(),
          },
          { counterId: permit.passportReleasedCounterId },
        );
      },
    };
  }

  /**
   * Anyone holding a receipt number may check it. The same single indexed query runs for
   * every input (an impossible number is looked up as the empty string), so a known and an
   * unknown number differ only in the answer.
   */
  async checkReceipt(number: string): Promise<ReceiptCheck> {
    const normalised = typeof number === 'string' ? number.trim().toUpperCase() : '';
    // Too long to exist, or not storable text (a NUL, a lone surrogate): looked up as the empty
    // string, so every look-up runs the same query and answers { valid: false } (DOMAIN.md: the
    // receipt is proof of residence a hotel or police officer checks; it never errors).
    const key =
      normalised.length <= MAX_RECEIPT_NUMBER_LENGTH && !textProblem(normalised, MAX_RECEIPT_NUMBER_LENGTH)
        ? normalised
        : '';
    return receiptCheck(await this.permits.custodyByReceipt(key));
  }

  /** The passport's custody as the permit records it; null until the counter accepts the documents. */
  custodyOf(p: ResidencePermitEntity): PassportCustody | null {
    if (!p.passportHeldSince || !p.receiptNumber) return null;
    const until = p.passportReleasedAt ?? this.clock.now();
    return {
      held: p.passportReleasedAt === null,
      receiptNumber: p.receiptNumber,
      heldSince: p.passportHeldSince,
      counterId: p.passportHeldCounterId,
      releasedAt: p.passportReleasedAt,
      releasedCounterId: p.passportReleasedCounterId,
      workingDaysHeld: Math.max(0, this.calendar.calendar.workingDaysBetween(p.passportHeldSince, until)),
    };
  }

  /** Reaction to `case.documents-accepted`: the passport is held against the receipt; the review starts. */
  async holdPassport(event: Acceptance, tx: EntityManager): Promise<void> {
    const p = event.payload;
    const receipt = p.receiptNumber.trim().toUpperCase();
    const log = this.logger.child({ eventId: event.id, caseId: p.caseId });
    if (!isUuid(p.caseId) || !receipt) {
      log.error('case.documents-accepted without a usable caseId/receiptNumber: passport custody not recorded');
      return;
    }
    if (!(await reactToCase(this.commands, tx, this.hold, { ...p, receipt, eventId: event.id })))
      log.error('case.documents-accepted for a case without a residence permit: passport custody not recorded');
  }

  /** Reaction to `case.claim-recorded`: the passport goes back with the permits; the receipt stops being valid. */
  async releasePassport(event: Claim, tx: EntityManager): Promise<void> {
    if (!isUuid(event.payload.caseId)) return;
    if (!(await reactToCase(this.commands, tx, this.release, { ...event.payload, eventId: event.id })))
      this.logger.warn(
        { eventId: event.id, caseId: event.payload.caseId },
        'case.claim-recorded but no passport is held for the case',
      );
  }
}
