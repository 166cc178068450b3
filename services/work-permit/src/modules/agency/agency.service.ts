import { randomUUID } from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import { assertCan, BadUserInputError, ConflictError, type Actor, type Clock, isUuid } from '@onestop/common';
import { EmployerEntity } from '../employer/employer.entity.js';
import { AgencyEmployerEntity } from './agency-employer.entity.js';
import { AgencyEntity } from './agency.entity.js';

/** Agencies and the employers that entrust them. */
export class AgencyService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Every agency (an agency sees only itself), by name. */
  async list(actor: Actor | null): Promise<AgencyEntity[]> {
    assertCan(actor, 'employer.read');
    const repo = this.ds.getRepository(AgencyEntity);
    if (actor.role === 'AGENCY') return isUuid(actor.agencyId ?? '') ? repo.findBy({ id: actor.agencyId! }) : [];
    return repo.find({ order: { name: 'ASC', id: 'ASC' } });
  }

  /** Agencies by id in one statement, without scoping (callers reach them through a scoped case). */
  async byIds(ids: readonly string[]): Promise<Map<string, AgencyEntity>> {
    const valid = [...new Set(ids)].filter(isUuid);
    if (!valid.length) return new Map();
    const rows = await this.ds.getRepository(AgencyEntity).findBy({ id: In(valid) });
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** The employer ids of several agencies in one statement. */
  async employerIdsByAgencyIds(ids: readonly string[]): Promise<Map<string, string[]>> {
    const valid = [...new Set(ids)].filter(isUuid);
    const out = new Map<string, string[]>(valid.map((id) => [id, []]));
    if (!valid.length) return out;
    const rows = await this.ds
      .getRepository(AgencyEmployerEntity)
      .find({ where: { agencyId: In(valid) }, order: { employerId: 'ASC' } });
    for (const r of rows) out.get(r.agencyId)!.push(r.employerId);
    return out;
  }

  /** Registers an agency entrusted by existing employers (MANAGER). */
  async register(actor: Actor | null, input: { name: string; employerIds: string[] }): Promise<AgencyEntity> {
    assertCan(actor, 'employer.manage');
    const problems: string[] = [];
    const name = (input.name ?? '').trim().replace(/\s+/g, ' ');
    if (!name || name.length > 200) problems.push('name is required (at most 200 characters)');
    const employerIds = [...new Set(input.employerIds ?? [])];
    if (!employerIds.length) problems.push('employerIds must name at least one employer that entrusts the agency');
    const known = new Set(
      (await this.ds.getRepository(EmployerEntity).findBy({ id: In(employerIds.filter(isUuid)) })).map((e) => e.id),
    );
    for (const id of employerIds) if (!known.has(id)) problems.push(`employerIds: no employer ${id} is registered`);
    if (problems.length) throw new BadUserInputError('The agency cannot be registered', problems);
    return this.ds.transaction(async (tx) => {
      const id = randomUUID();
      const inserted = await tx
        .createQueryBuilder()
        .insert()
        .into(AgencyEntity)
        .values({ id, name, createdAt: this.clock.now() })
        .orIgnore()
        .returning('id')
        .execute();
      if (!inserted.raw[0]) throw new ConflictError(`An agency named "${name}" is already registered.`, { name });
      await tx
        .getRepository(AgencyEmployerEntity)
        .insert(employerIds.map((employerId) => ({ agencyId: id, employerId })));
      return tx.getRepository(AgencyEntity).findOneByOrFail({ id });
    });
  }
}
