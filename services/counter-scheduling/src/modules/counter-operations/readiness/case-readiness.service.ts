import type { EntityManager } from 'typeorm';
import { can, NotFoundError, type Action, type Actor, type SubgraphRuntime } from '@onestop/common';
import { CaseReadinessEntity } from './case-readiness.entity.js';

/** Reads the case projection; commands lock a case's row first, so commands on one case run one at a time. */
export class CaseReadinessService {
  constructor(private readonly rt: SubgraphRuntime) {}

  /** Projections by case id in one statement (no scoping). */
  async findByIds(ids: readonly string[]): Promise<Map<string, CaseReadinessEntity>> {
    if (!ids.length) return new Map();
    const rows = await this.rt.ds
      .getRepository(CaseReadinessEntity)
      .createQueryBuilder('r')
      .where('r.case_id = ANY(:ids)', { ids: [...ids] })
      .getMany();
    return new Map(rows.map((r) => [r.caseId, r]));
  }

  /**
   * Locks the case's row for the rest of `tx` and returns it; NOT_FOUND when counter-scheduling
   * has not heard of the case. Every command on a case takes this lock first (lock order:
   * case → slot / ticket / appointment → number sequence → event log), so they never deadlock.
   */
  async lock(tx: EntityManager, caseId: string): Promise<CaseReadinessEntity> {
    const found = await tx
      .getRepository(CaseReadinessEntity)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.case_id = :caseId', { caseId })
      .getOne();
    if (!found) throw new NotFoundError('Case', caseId);
    return found;
  }

  /**
   * Locks the case and checks the actor may take `action` on it. An agency acting for another
   * employer gets NOT_FOUND, as if the case did not exist (we do not reveal which).
   */
  async lockFor(tx: EntityManager, actor: Actor, action: Action, caseId: string): Promise<CaseReadinessEntity> {
    const found = await this.lock(tx, caseId);
    if (actor.role === 'AGENCY' && !can(actor, action, { employerId: found.employerId }))
      throw new NotFoundError('Case', caseId);
    return found;
  }
}
