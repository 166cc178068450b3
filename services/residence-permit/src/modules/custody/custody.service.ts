import { Not, type EntityManager } from 'typeorm';
import { type SubgraphRuntime, textProblem, isUuid } from '@onestop/common';
import { EVENT_TYPES, type PassportReleasedPayload, type TypedEvent } from '@onestop/common/contract';
import { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import { systemEvent } from '../residence-permit/residence-permit.service.js';
import { MAX_RECEIPT_NUMBER_LENGTH, receiptCheck, type ReceiptCheck } from './custody-rules.js';

/** Passport custody (docs/decisions/0004): held at acceptance, released at the claim; the public receipt check. */
export class CustodyService {
  constructor(private readonly runtime: SubgraphRuntime) {}

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
    const rows: { held_since: Date | null; released_at: Date | null }[] = await this.runtime.ds.query(
      'SELECT passport_held_since AS held_since, passport_released_at AS released_at FROM rp.residence_permit WHERE receipt_number = $1',
      [key],
    );
    const row = rows[0];
    return receiptCheck(row ? { heldSince: row.held_since, releasedAt: row.released_at } : null);
  }

  /** Reaction to `case.documents-accepted`: the passport is held against the receipt; the review starts. */
  async holdPassport(event: TypedEvent<typeof EVENT_TYPES.documentsAccepted>, tx: EntityManager): Promise<void> {
    const p = event.payload;
    const caseId = p.caseId;
    const receipt = p.receiptNumber.trim().toUpperCase();
    const log = this.runtime.logger.child({ eventId: event.id, caseId });
    if (!isUuid(caseId) || !receipt) {
      log.error('case.documents-accepted without a usable caseId/receiptNumber: passport custody not recorded');
      return;
    }
    const repo = tx.getRepository(ResidencePermitEntity);
    const permit = await repo.findOne({ where: { caseId }, lock: { mode: 'pessimistic_write' } });
    if (!permit) {
      log.error('case.documents-accepted for a case without a residence permit: passport custody not recorded');
      return;
    }
    if (permit.receiptNumber) {
      if (permit.receiptNumber !== receipt)
        log.error({ held: permit.receiptNumber, receipt }, 'a second acceptance for the same case: ignored');
      return;
    }
    if (permit.status !== 'AWAITING_DOCUMENTS') {
      log.error(
        { status: permit.status },
        'case.documents-accepted for a residence permit that is not awaiting documents: ignored',
      );
      return;
    }
    if (await repo.exists({ where: { receiptNumber: receipt, id: Not(permit.id) } })) {
      log.error({ receipt }, 'receipt number already held for another case: passport custody not recorded');
      return;
    }
    const acceptedAt = p.acceptedAt;
    permit.status = 'UNDER_REVIEW';
    permit.documentsAcceptedAt = acceptedAt;
    permit.receiptNumber = receipt;
    permit.passportHeldSince = acceptedAt;
    permit.passportHeldCounterId = p.counterId;
    permit.updatedAt = this.runtime.clock.now();
    await repo.save(permit);
  }

  /** Reaction to `case.claim-recorded`: the passport goes back with the permits; the receipt stops being valid. */
  async releasePassport(event: TypedEvent<typeof EVENT_TYPES.claimRecorded>, tx: EntityManager): Promise<void> {
    const p = event.payload;
    const caseId = p.caseId;
    if (!isUuid(caseId)) return;
    const repo = tx.getRepository(ResidencePermitEntity);
    const permit = await repo.findOne({ where: { caseId }, lock: { mode: 'pessimistic_write' } });
    if (!permit?.passportHeldSince || permit.passportReleasedAt) {
      if (!permit?.passportHeldSince)
        this.runtime.logger.warn(
          { eventId: event.id, caseId },
          'case.claim-recorded but no passport is held for the case',
        );
      return;
    }
    const now = this.runtime.clock.now();
    const releasedAt = p.claimedAt;
    permit.passportReleasedAt = releasedAt < permit.passportHeldSince ? permit.passportHeldSince : releasedAt;
    permit.passportReleasedCounterId = p.counterId;
    permit.updatedAt = now;
    await repo.save(permit);
    const payload: PassportReleasedPayload = {
      caseId,
      counterId: permit.passportReleasedCounterId,
      heldSince: permit.passportHeldSince.toISOString(),
      releasedAt: permit.passportReleasedAt.toISOString(),
    };
    await this.runtime.events.append(tx, [
      systemEvent(EVENT_TYPES.passportReleased, permit, payload, now, permit.passportReleasedCounterId),
    ]);
  }
}
