import { In, type DataSource, type SelectQueryBuilder } from 'typeorm';
import {
  ForbiddenError,
  assertCan,
  assertNoProblems,
  decodeCursor,
  employerScope,
  encodeCursor,
  pageSize,
  type Actor,
  type Clock,
  isUuid,
  leanColumns,
  leanRows,
  leanStatement,
  leanTable,
} from '@onestop/common';
import { type CaseStatus, type Category, type Route } from '@onestop/common/contract';
import type { AccessLogService } from '../access-log/access-log.service.js';
import { normalisePassportNumber, passportSearchProblems } from '../applicant/applicant.rules.js';
import type { CaseOrder } from '../../shared/enums.js';
import { CaseTimelineEntity } from './case-timeline.entity.js';
import { CaseEntity } from './case.entity.js';
import { applySearch, maySearchBy, normaliseSearch, SEARCH_LOG_FIELD, type CaseSearchData } from './case-search.js';

/** Filters of `cases`. Every one is optional; together they are ANDed. */
export interface CaseFilterData {
  statuses?: CaseStatus[] | null;
  categories?: Category[] | null;
  routes?: Route[] | null;
  employerId?: string | null;
  submittedFrom?: Date | null;
  submittedTo?: Date | null;
  dueFrom?: Date | null;
  dueTo?: Date | null;
  /** SUBMITTED cases whose pre-examination due time has passed (business clock). */
  overdueOnly?: boolean | null;
  /**
   * Exact match on the applicant's passport number (normalised: upper-case, no spaces).
   * Officers and clerks only; every such search is written to the access log.
   */
  passportNumber?: string | null;
  /** A search by name, passport or reference prefix, or employer; every one is written to the access log. */
  search?: CaseSearchData | null;
}

export interface CaseListArgs {
  filter?: CaseFilterData | null;
  first?: number | null;
  after?: string | null;
  orderBy?: CaseOrder | null;
}

/** One page of a keyset-paginated list. */
export interface CasePage {
  nodes: CaseEntity[];
  hasNextPage: boolean;
  cursorOf(c: CaseEntity): string;
}

/**
 * How each order sorts: a column, or for DUE_ASC the expression `IDX_case_open_clock_due` indexes
 * (migration 1796650000001): the open clock's due (SUBMITTED: pre-examination, ACCEPTED:
 * issuance), 'infinity' when none runs, so the key is never null and cases without a clock
 * come last. `of` reads the key of a row for its cursor; `null` stands for 'infinity'.
 */
const OPEN_CLOCK_DUE = `COALESCE(CASE WHEN c.status = 'SUBMITTED' THEN c.pre_exam_due_at WHEN c.status = 'ACCEPTED' THEN c.issuance_due_at END, 'infinity'::timestamptz)`;
const ORDERS: Record<CaseOrder, { sql: string; dir: 'ASC' | 'DESC'; of: (c: CaseEntity) => Date | null }> = {
  PRE_EXAM_DUE_ASC: { sql: 'c.preExamDueAt', dir: 'ASC', of: (c) => c.preExamDueAt },
  DUE_ASC: { sql: OPEN_CLOCK_DUE, dir: 'ASC', of: openClockDue },
  SUBMITTED_DESC: { sql: 'c.submittedAt', dir: 'DESC', of: (c) => c.submittedAt },
};

/** The due of the clock open on a case (the DUE_ASC key), or null when none runs. */
export function openClockDue(c: Pick<CaseEntity, 'status' | 'preExamDueAt' | 'issuanceDueAt'>): Date | null {
  if (c.status === 'SUBMITTED') return c.preExamDueAt;
  if (c.status === 'ACCEPTED') return c.issuanceDueAt ?? null;
  return null;
}

/** A cursor's key: an instant, or `infinity` (DUE_ASC's cases without an open clock). */
const INFINITY = 'infinity';

/**
 * Reads cases. Every read applies the actor's scope in SQL (an agency sees only its
 * employers' cases), so a case outside it is indistinguishable from one that does not exist.
 */
export class CaseQueryService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly accessLog: AccessLogService,
  ) {}

  /**
   * Cases by id in one statement, dropping any outside the actor's scope: the `_entities` and
   * `Query.case` path, read as plain rows (a prepared statement, no query builder, no entity
   * hydration: resolvers only read the columns).
   */
  async findByIds(actor: Actor, ids: readonly string[]): Promise<Map<string, CaseEntity>> {
    const valid = [...new Set(ids)].filter(isUuid);
    if (!valid.length) return new Map();
    const rows = await leanRows<CaseEntity>(this.ds, this.byColumn('id'), [valid, this.scopeParam(actor)]);
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Cases by reference in one statement, dropping any outside the actor's scope (plain rows, as `findByIds`). */
  async findByReferences(actor: Actor, references: readonly string[]): Promise<Map<string, CaseEntity>> {
    const refs = [...new Set(references.map((r) => r.trim().toUpperCase()))];
    if (!refs.length) return new Map();
    const rows = await leanRows<CaseEntity>(this.ds, this.byColumn('reference'), [refs, this.scopeParam(actor)]);
    return new Map(rows.map((r) => [r.reference, r]));
  }

  /** Cases whose `column` is one of $1, within the employers $2 (null: every employer). */
  private byColumn(column: 'id' | 'reference') {
    return leanStatement(
      this.ds,
      `case.by-${column}`,
      () =>
        `SELECT ${leanColumns(this.ds, CaseEntity, 'c')} FROM ${leanTable(this.ds, CaseEntity)} c
         WHERE c.${column} = ANY($1) AND ($2::uuid[] IS NULL OR c.employer_id = ANY($2::uuid[]))`,
    );
  }

  /** The employers an actor's reads are limited to, as a statement parameter (null: no limit). */
  private scopeParam(actor: Actor): string[] | null {
    const scope = employerScope(actor);
    return scope ? [...scope].filter(isUuid) : null;
  }

  /**
   * The query behind `cases`: scope and filters, keyset position, order and limit. Exposed so
   * a spec can EXPLAIN exactly what runs.
   */
  listQuery(actor: Actor, args: CaseListArgs): { qb: SelectQueryBuilder<CaseEntity>; limit: number; order: CaseOrder } {
    const problems: string[] = [];
    const limit = pageSize(args.first, problems, 20);
    const order = args.orderBy ?? 'PRE_EXAM_DUE_ASC';
    const cursor = decodeCursor(args.after, 3, problems);
    const infinite = order === 'DUE_ASC' && cursor?.[1] === INFINITY;
    if (cursor && (cursor[0] !== order || !isUuid(cursor[2]!) || (!infinite && Number.isNaN(Date.parse(cursor[1]!))))) {
      problems.push(`after is not a cursor of this list in order ${order}`);
    }
    const qb = this.filtered(actor, args.filter ?? {}, problems);
    assertNoProblems('The case list cannot be read', problems);
    const { sql, dir } = ORDERS[order];
    if (cursor) {
      const op = dir === 'ASC' ? '>' : '<';
      qb.andWhere(`(${sql}, c.id) ${op} (:afterKey::timestamptz, :afterId)`, {
        afterKey: infinite ? INFINITY : new Date(cursor[1]!),
        afterId: cursor[2],
      });
    }
    qb.orderBy(sql, dir)
      .addOrderBy('c.id', dir)
      .limit(limit + 1);
    return { qb, limit, order };
  }

  /**
   * One page of `cases`: keyset pagination (no OFFSET), one row more than asked to know whether
   * more follow, read as plain rows. A search by passport number is written to the access log before the page is
   * returned (it reveals whose case this is): if the log cannot be written, the search fails.
   */
  async list(actor: Actor, args: CaseListArgs): Promise<CasePage> {
    const { qb, limit, order } = this.listQuery(actor, args);
    // Plain rows under the entity's property names (as findByIds): no entity hydration per row.
    const rows = (await qb.select(leanColumns(this.ds, CaseEntity, 'c')).getRawMany()) as CaseEntity[];
    const nodes = rows.slice(0, limit);
    if (args.filter?.passportNumber != null) {
      await this.accessLog.recordPassportSearch(
        actor,
        nodes.map((c) => c.id),
      );
    }
    const search = args.filter?.search;
    if (search) {
      await this.accessLog.recordSearch(
        actor,
        SEARCH_LOG_FIELD[search.by],
        search.text,
        nodes.map((c) => c.id),
      );
    }
    const { of } = ORDERS[order];
    return {
      nodes,
      hasNextPage: rows.length > limit,
      cursorOf: (c) => encodeCursor([order, of(c)?.toISOString() ?? INFINITY, c.id]),
    };
  }

  /** How many cases match the filter: a separate statement, run only when a client asks for totalCount. */
  async count(actor: Actor, filter: CaseFilterData | null | undefined): Promise<number> {
    const problems: string[] = [];
    const qb = this.filtered(actor, filter ?? {}, problems);
    assertNoProblems('The case list cannot be counted', problems);
    return qb.getCount();
  }

  /** Timelines of several cases in one statement, oldest line first. */
  async timelines(caseIds: readonly string[]): Promise<Map<string, CaseTimelineEntity[]>> {
    const ids = [...new Set(caseIds)];
    const out = new Map<string, CaseTimelineEntity[]>(ids.map((id) => [id, []]));
    if (!ids.length) return out;
    const rows = await this.ds
      .getRepository(CaseTimelineEntity)
      .find({ where: { caseId: In(ids) }, order: { caseId: 'ASC', id: 'ASC' } });
    for (const r of rows) out.get(r.caseId)!.push(r);
    return out;
  }

  private scoped(actor: Actor): SelectQueryBuilder<CaseEntity> {
    const qb = this.ds.getRepository(CaseEntity).createQueryBuilder('c').where('TRUE');
    const scope = employerScope(actor);
    if (scope) qb.andWhere('c.employerId = ANY(:scope)', { scope: [...scope].filter(isUuid) });
    return qb;
  }

  private filtered(actor: Actor, f: CaseFilterData, problems: string[]): SelectQueryBuilder<CaseEntity> {
    if (f.passportNumber != null) assertMaySearchByPassport(actor);
    if (f.employerId) {
      // An agency naming another employer is refused outright rather than shown an empty list.
      assertCan(actor, 'case.read', { employerId: f.employerId });
      if (!isUuid(f.employerId)) problems.push(`filter.employerId ${f.employerId} is not an employer id`);
    }
    const qb = this.scoped(actor);
    if (f.employerId && isUuid(f.employerId)) qb.andWhere('c.employerId = :employerId', { employerId: f.employerId });
    if (f.statuses?.length) {
      // One status is the common case (and the indexed one): keep it an equality.
      if (f.statuses.length === 1) qb.andWhere('c.status = :status', { status: f.statuses[0] });
      else qb.andWhere('c.status = ANY(:statuses)', { statuses: f.statuses });
    }
    if (f.categories?.length) qb.andWhere('c.category = ANY(:categories)', { categories: f.categories });
    if (f.routes?.length) qb.andWhere('c.route = ANY(:routes)', { routes: f.routes });
    range(qb, 'submittedAt', f.submittedFrom, f.submittedTo, 'submitted', problems);
    range(qb, 'preExamDueAt', f.dueFrom, f.dueTo, 'due', problems);
    if (f.passportNumber != null) {
      const passport = normalisePassportNumber(f.passportNumber);
      const wrong = passportSearchProblems(passport, 'filter.passportNumber');
      if (wrong.length) problems.push(...wrong);
      // IDX_case_passport_prefix: numbers are stored normalised, so this is an index equality.
      else qb.andWhere('c.applicantPassportNumber = :passport', { passport });
    }
    if (f.search) {
      if (!maySearchBy(actor, f.search.by))
        throw new ForbiddenError('Searching by passport number is for officers and counter clerks.');
      const search = normaliseSearch(f.search, problems);
      if (!problems.length) applySearch(qb, search);
    }
    if (f.overdueOnly) {
      // A literal status, so the planner can use the partial index of open cases.
      qb.andWhere(`c.status = 'SUBMITTED'`).andWhere('c.preExamDueAt < :now', { now: this.clock.now() });
    }
    return qb;
  }
}

/**
 * Searching by passport number reveals whose case this is, so it is for the staff who work
 * with personal data: officers and clerks (`case.readPersonal`). An agency, which may read its
 * own cases' personal data, finds them by reference or in its own list instead.
 */
export function assertMaySearchByPassport(actor: Actor): void {
  assertCan(actor, 'case.readPersonal');
  if (actor.role === 'AGENCY') {
    throw new ForbiddenError(
      'Searching by passport number is for officers and counter clerks; find your cases by reference or in your case list.',
    );
  }
}

function range(
  qb: SelectQueryBuilder<CaseEntity>,
  column: 'submittedAt' | 'preExamDueAt',
  from: Date | null | undefined,
  to: Date | null | undefined,
  name: string,
  problems: string[],
): void {
  if (from && to && from > to) problems.push(`filter.${name}From is after filter.${name}To`);
  if (from) qb.andWhere(`c.${column} >= :${name}From`, { [`${name}From`]: from });
  if (to) qb.andWhere(`c.${column} < :${name}To`, { [`${name}To`]: to });
}
