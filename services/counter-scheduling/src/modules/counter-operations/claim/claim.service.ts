import {
  BadUserInputError,
  InvalidTransitionError,
  NotFoundError,
  assertCan,
  type Actor,
  type CommandPipeline,
  type CommandSpec,
  type SubgraphRuntime,
} from '@onestop/common';
import { EVENT_TYPES } from '@onestop/common/contract';
import { AcceptanceEntity } from '../acceptance/acceptance.entity.js';
import type { CaseReadinessEntity } from '../readiness/case-readiness.entity.js';
import type { CaseReadinessStore } from '../readiness/case-readiness.store.js';
import { clerkKey } from '../shared/clerk-commands.js';
import { checkText } from '../shared/input.js';
import { ClaimEntity } from './claim.entity.js';

/** The claim: permits and passport handed back together, which closes the case. */
export class ClaimService {
  constructor(
    private readonly rt: Pick<SubgraphRuntime, 'ds'>,
    private readonly commands: CommandPipeline,
    private readonly cases: CaseReadinessStore,
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
    return this.commands.run(actor, this.recordSpec, { actor, caseId, idempotencyKey: key });
  }

  /**
   * `recordClaim`: the case is the target. The scope is the accepting counter's, checked by the
   * rules (FORBIDDEN for a clerk of another counter, as before), after the ledger's replay.
   */
  private readonly recordSpec: CommandSpec<ClaimInput, ClaimTarget, ClaimEntity> = {
    name: 'recordClaim',
    action: 'claim.record',
    load: async (tx, { caseId }) => {
      const kase = await this.cases.load(tx, caseId);
      if (!kase) return null;
      const acceptance = await tx.getRepository(AcceptanceEntity).findOne({ where: { caseId } });
      const previous = await tx.getRepository(ClaimEntity).findOne({ where: { caseId } });
      return { kase, acceptance, previous };
    },
    resource: () => ({}),
    notFound: ({ caseId }) => new NotFoundError('Case', caseId),
    subject: ({ kase, acceptance }) => ({
      aggregateId: kase.caseId,
      employerId: kase.employerId,
      counterId: acceptance?.counterId ?? null,
    }),
    idempotency: clerkKey(
      ({ caseId }) => ({ caseId }),
      (c) => c.caseId,
      async (tx, _id, { caseId }) => (await tx.getRepository(ClaimEntity).findOne({ where: { caseId } }))!,
    ),
    rules: ({ kase, acceptance, previous }, { actor, caseId }) => {
      if (!acceptance)
        throw new InvalidTransitionError(`Case ${caseId} has no accepted documents: there is nothing to claim.`);
      // The passport is held at the accepting counter: permits and passport are handed back there.
      assertCan(actor, 'claim.record', { counterId: acceptance.counterId });
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
    },
    execute: async (cx, { kase, acceptance }, { caseId }) => {
      const claim: ClaimEntity = {
        caseId,
        counterId: acceptance!.counterId,
        employerId: kase.employerId,
        claimedAt: cx.now,
        claimedBy: cx.actor!.id,
      };
      await cx.tx.getRepository(ClaimEntity).insert(claim);
      cx.emit(EVENT_TYPES.claimRecorded, { caseId, counterId: claim.counterId, claimedAt: cx.now.toISOString() });
      return claim;
    },
  };
}

/** Arguments of `recordClaim` (the clerk too: the scope is the accepting counter's). */
interface ClaimInput {
  actor: Actor;
  caseId: string;
  idempotencyKey?: string | null;
}

/** The case, locked, with its acceptance and any earlier claim. */
interface ClaimTarget {
  kase: CaseReadinessEntity;
  acceptance: AcceptanceEntity | null;
  previous: ClaimEntity | null;
}
