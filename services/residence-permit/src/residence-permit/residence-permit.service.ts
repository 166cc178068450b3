import { In, type DataSource } from 'typeorm';
import { employerScope, type Actor } from '@onestop/common';
import { ResidencePermitEntity } from './residence-permit.entity.js';

/** Reads residence permits, scoped to the actor. */
export class ResidencePermitService {
  constructor(private readonly ds: DataSource) {}

  /** One statement for a batch of case ids. */
  async findByCaseIds(actor: Actor, caseIds: readonly string[]): Promise<Map<string, ResidencePermitEntity>> {
    const scope = employerScope(actor);
    const rows = await this.ds.getRepository(ResidencePermitEntity).find({
      where: scope ? { caseId: In([...caseIds]), employerId: In([...scope]) } : { caseId: In([...caseIds]) },
    });
    return new Map(rows.map((r) => [r.caseId, r]));
  }
}
