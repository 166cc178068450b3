import type { DataSource, EntityManager } from 'typeorm';
import { CaseReadinessEntity } from './case-readiness.entity.js';

/** The store of the case projection: reads, and the locked load of commands on a case (so they run one at a time). */
export class CaseReadinessStore {
  constructor(private readonly rt: { ds: DataSource }) {}

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
   * The case's row, locked for the rest of `tx` (the load step of every command on a case:
   * lock order case → slot / ticket / appointment → number sequence → event log, so they never
   * deadlock), or null when counter-scheduling has not heard of the case.
   */
  async load(tx: EntityManager, caseId: string): Promise<CaseReadinessEntity | null> {
    return tx
      .getRepository(CaseReadinessEntity)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.case_id = :caseId', { caseId })
      .getOne();
  }
}
