import {
  BadUserInputError,
  InvalidTransitionError,
  assertCan,
  type Actor,
  type SubgraphRuntime,
} from '@onestop/common';
import { EVENT_TYPES } from '@onestop/common/contract';
import { AcceptanceEntity } from '../acceptance/acceptance.entity.js';
import type { CaseReadinessService } from '../readiness/case-readiness.service.js';
import { newEvent } from '../../../shared/events.js';
import { claimRequest, recordResult } from '../../../shared/clerk-requests.js';
import { checkText } from '../shared/input.js';
import { ClaimEntity } from './claim.entity.js';

/** The claim: permits and passport handed back together, which closes the case. */
export class ClaimService {
  constructor(
    private readonly rt: SubgraphRuntime,
    private readonly cases: CaseReadinessService,
  ) {}

  /** Claims by case, scoped to the actor's employers. */
  async byCase(actor: Actor, caseIds: readonly string[]): Promise<Map<string, ClaimEntity>> {
    if (!caseIds.length) return new Map();
    const qb = this.rt.ds
      .getRepository(ClaimEntity)
      .createQueryBuilder('c')
      .where('c.case_id = ANY(:ids)', { ids: [...caseIds] });
    if (actor.role === 'AGENCY') qb.andWhere('c.employer_id = ANY(:employers)', { employers: [...actor.employerIds] });
    return new Map((await qb.getMany()).map((c) => [c.caseId, c]));
  }

  /**
   * Records the claim at the counter that holds the passport (the accepting counter). Only
   * once both permits are decided (READY_FOR_CLAIM), and only once.
   */
  async record(actor: Actor, caseId: string, key?: string | null): Promise<ClaimEntity> {
    const input: string[] = [];
    checkText(input, 'caseId', caseId, 100);
    if (input.length) throw new BadUserInputError('The claim is not valid', input);
    return this.rt.ds.transaction(async (tx) => {
      const prior = await claimRequest(tx, actor, key, 'recordClaim', { caseId }, this.rt.clock.now());
      if (prior) return (await tx.getRepository(ClaimEntity).findOne({ where: { caseId } }))!;
      const kase = await this.cases.lock(tx, caseId);
      const acceptance = await tx.getRepository(AcceptanceEntity).findOne({ where: { caseId } });
      if (!acceptance)
        throw new InvalidTransitionError(`Case ${caseId} has no accepted documents: there is nothing to claim.`);
      // The passport is held at the accepting counter: permits and passport are handed back there.
      assertCan(actor, 'claim.record', { counterId: acceptance.counterId });
      const previous = await tx.getRepository(ClaimEntity).findOne({ where: { caseId } });
      if (previous) {
        throw new InvalidTransitionError(
          `Case ${caseId} was already claimed at ${previous.claimedAt.toISOString()}; the case is closed.`,
        );
      }
      if (!kase.readyForClaim) {
        throw new InvalidTransitionError(`Case ${caseId} is not ready for claim: both permits must be decided first.`, {
          reason: 'NOT_READY_FOR_CLAIM',
        });
      }
      const now = this.rt.clock.now();
      const claim: ClaimEntity = {
        caseId,
        counterId: acceptance.counterId,
        employerId: kase.employerId,
        claimedAt: now,
        claimedBy: actor.id,
      };
      await tx.getRepository(ClaimEntity).insert(claim);
      await this.rt.events.append(tx, [
        newEvent(
          EVENT_TYPES.claimRecorded,
          caseId,
          { caseId, counterId: claim.counterId, claimedAt: now.toISOString() },
          { employerId: kase.employerId, counterId: claim.counterId, actor, at: now },
        ),
      ]);
      await recordResult(tx, actor, key, caseId);
      return claim;
    });
  }
}
