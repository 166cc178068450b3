import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { assertCan, employerScope, isUuid, NotFoundError, type Actor } from '@onestop/common';
import { CaseEntity } from './case.entity.js';

/** Reads and changes cases; every read is scoped to what the actor may see. */
export class CaseService {
  constructor(private readonly ds: DataSource) {}

  /** Loads cases by id in one statement, dropping any outside the actor's scope. */
  async findByIds(actor: Actor, ids: readonly string[]): Promise<Map<string, CaseEntity>> {
    const scope = employerScope(actor);
    const valid = ids.filter(isUuid);
    if (!valid.length) return new Map();
    const rows = await this.ds.getRepository(CaseEntity).find({
      where: scope ? { id: In(valid), employerId: In([...scope]) } : { id: In(valid) },
    });
    return new Map(rows.map((r) => [r.id, r]));
  }

  async get(actor: Actor | null, id: string): Promise<CaseEntity> {
    assertCan(actor, 'case.read');
    const found = (await this.findByIds(actor, [id])).get(id);
    if (!found) throw new NotFoundError('Case', id);
    return found;
  }
}
