import { randomUUID } from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import {
  assertCan,
  BadUserInputError,
  ConflictError,
  employerScope,
  type Actor,
  type Clock,
  isUuid,
} from '@onestop/common';
import { creditCodeProblem } from './credit-code.js';
import { EmployerHandlerEntity } from './employer-handler.entity.js';
import { EmployerEntity } from './employer.entity.js';

/** What a MANAGER registers. */
export interface RegisterEmployerData {
  name: string;
  creditCode: string;
  handlers?: string[] | null;
}

/** Employers and their registered handlers. */
export class EmployerService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Every employer the actor may see (an agency: only its own), by name. */
  async list(actor: Actor): Promise<EmployerEntity[]> {
    const scope = employerScope(actor);
    const repo = this.ds.getRepository(EmployerEntity);
    return repo.find({ where: scope ? { id: In([...scope].filter(isUuid)) } : {}, order: { name: 'ASC', id: 'ASC' } });
  }

  /** Employers by id in one statement, without scoping (callers scope). */
  async byIds(ids: readonly string[]): Promise<Map<string, EmployerEntity>> {
    const valid = [...new Set(ids)].filter(isUuid);
    if (!valid.length) return new Map();
    const rows = await this.ds.getRepository(EmployerEntity).findBy({ id: In(valid) });
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Registered handlers of several employers in one statement. */
  async handlersByEmployerIds(ids: readonly string[]): Promise<Map<string, EmployerHandlerEntity[]>> {
    const valid = [...new Set(ids)].filter(isUuid);
    const out = new Map<string, EmployerHandlerEntity[]>(valid.map((id) => [id, []]));
    if (!valid.length) return out;
    const rows = await this.ds
      .getRepository(EmployerHandlerEntity)
      .find({ where: { employerId: In(valid) }, order: { fullName: 'ASC', id: 'ASC' } });
    for (const r of rows) out.get(r.employerId)!.push(r);
    return out;
  }

  /** Registers an employer (MANAGER). The credit code is unique; a duplicate is a CONFLICT. */
  async register(actor: Actor | null, input: RegisterEmployerData): Promise<EmployerEntity> {
    assertCan(actor, 'employer.manage');
    const problems: string[] = [];
    const name = (input.name ?? '').trim().replace(/\s+/g, ' ');
    if (!name || name.length > 200) problems.push('name is required (at most 200 characters)');
    const creditCode = (input.creditCode ?? '').trim().toUpperCase();
    const codeProblem = creditCodeProblem(creditCode);
    if (codeProblem) problems.push(`creditCode ${codeProblem}`);
    const handlers = (input.handlers ?? []).map((h) => (h ?? '').trim().replace(/\s+/g, ' '));
    handlers.forEach((h, i) => {
      if (!h || h.length > 200) problems.push(`handlers[${i}] must be a name of 1 to 200 characters`);
    });
    if (problems.length) throw new BadUserInputError('The employer cannot be registered', problems);
    const now = this.clock.now();
    return this.ds.transaction(async (tx) => {
      const inserted = await tx
        .createQueryBuilder()
        .insert()
        .into(EmployerEntity)
        .values({ id: randomUUID(), name, creditCode, createdAt: now })
        .orIgnore()
        .returning('*')
        .execute();
      const row = inserted.raw[0] as { id: string } | undefined;
      if (!row)
        throw new ConflictError(`An employer with credit code ${creditCode} is already registered.`, { creditCode });
      if (handlers.length) {
        await tx
          .getRepository(EmployerHandlerEntity)
          .insert(handlers.map((fullName) => ({ id: randomUUID(), employerId: row.id, fullName, createdAt: now })));
      }
      return tx.getRepository(EmployerEntity).findOneByOrFail({ id: row.id });
    });
  }
}
