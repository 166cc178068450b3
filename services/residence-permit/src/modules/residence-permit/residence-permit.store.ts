import type { DataSource, EntityManager } from 'typeorm';
import { isUuid, leanColumns, leanRows, leanStatement, leanTable } from '@onestop/common';
import type { ResidencePermitStatus } from './residence-permit.entity.js';
import { ResidencePermitEntity } from './residence-permit.entity.js';

/** What the officers' list asks the database for (validated by the service). */
export interface PermitPageQuery {
  /** The actor's employers, or null for every employer. */
  employerIds: readonly string[] | null;
  status?: ResidencePermitStatus | null;
  interviewPending?: boolean | null;
  verificationOutstanding?: boolean | null;
  /** Only passports held since before this instant and not released yet. */
  heldBefore: Date | null;
  /** The keyset cursor: after (submitted_at, id). */
  after: { submittedAt: Date; id: string } | null;
  limit: number;
}

/** Undecided: the interview and verification filters are about work still to do. */
const OPEN_SQL = `p.status IN ('AWAITING_DOCUMENTS', 'UNDER_REVIEW')`;
const INTERVIEW_PENDING_SQL = `(${OPEN_SQL} AND p.interview_required AND NOT p.interview_completed)`;
const VERIFICATION_OUTSTANDING_SQL = `(${OPEN_SQL} AND EXISTS (SELECT 1 FROM rp.verification v WHERE v.permit_id = p.id AND v.outcome IS NULL))`;

/** The SQL of `rp.residence_permit`: reads, and the lock-and-load of every command on a permit. */
export class PermitStore {
  constructor(private readonly ds: DataSource) {}

  /**
   * The permit of a case, locked (`FOR UPDATE`: concurrent commands on one case take turns), or
   * null when there is none (an id that is not a UUID included).
   */
  async lockByCase(tx: EntityManager, caseId: string): Promise<ResidencePermitEntity | null> {
    if (!isUuid(caseId)) return null;
    return tx.getRepository(ResidencePermitEntity).findOne({ where: { caseId }, lock: { mode: 'pessimistic_write' } });
  }

  /** The permit of a case without a lock (a filing delivered twice finds the first). */
  async byCase(tx: EntityManager, caseId: string): Promise<ResidencePermitEntity | null> {
    return tx.getRepository(ResidencePermitEntity).findOne({ where: { caseId } });
  }

  async byId(tx: EntityManager, id: string): Promise<ResidencePermitEntity | null> {
    return tx.getRepository(ResidencePermitEntity).findOne({ where: { id } });
  }

  async insert(tx: EntityManager, permit: ResidencePermitEntity): Promise<void> {
    await tx.getRepository(ResidencePermitEntity).insert(permit);
  }

  async save(tx: EntityManager, permit: ResidencePermitEntity): Promise<void> {
    await tx.getRepository(ResidencePermitEntity).save(permit);
  }

  /**
   * One statement for a batch of case ids within `employerIds` (null: any): the
   * `Case.residencePermit` path, read as plain rows (a prepared statement, no entity hydration).
   */
  async byCaseIds(caseIds: readonly string[], employerIds: readonly string[] | null): Promise<ResidencePermitEntity[]> {
    const valid = caseIds.filter(isUuid);
    if (!valid.length) return [];
    const { ds } = this;
    const statement = leanStatement(
      ds,
      'residence-permit.by-case',
      () =>
        `SELECT ${leanColumns(ds, ResidencePermitEntity, 'p')} FROM ${leanTable(ds, ResidencePermitEntity)} p
         WHERE p.case_id = ANY($1) AND ($2::uuid[] IS NULL OR p.employer_id = ANY($2::uuid[]))`,
    );
    return leanRows<ResidencePermitEntity>(ds, statement, [valid, employerIds ? employerIds.filter(isUuid) : null]);
  }

  /**
   * The officers' list: one SQL statement, keyset-paginated on (submitted_at, id), `limit` rows.
   * The custody filter is one indexed comparison with the cutoff instant (`passport_held_since`).
   */
  async page(q: PermitPageQuery): Promise<ResidencePermitEntity[]> {
    const qb = this.ds.getRepository(ResidencePermitEntity).createQueryBuilder('p');
    if (q.employerIds) qb.andWhere('p.employer_id = ANY(:scope)', { scope: [...q.employerIds] });
    if (q.status) qb.andWhere('p.status = :status', { status: q.status });
    if (q.interviewPending === true) qb.andWhere(INTERVIEW_PENDING_SQL);
    if (q.interviewPending === false) qb.andWhere(`NOT ${INTERVIEW_PENDING_SQL}`);
    if (q.verificationOutstanding === true) qb.andWhere(VERIFICATION_OUTSTANDING_SQL);
    if (q.verificationOutstanding === false) qb.andWhere(`NOT ${VERIFICATION_OUTSTANDING_SQL}`);
    if (q.heldBefore)
      qb.andWhere('p.passport_held_since < :cutoff AND p.passport_released_at IS NULL', { cutoff: q.heldBefore });
    if (q.after)
      qb.andWhere('(p.submitted_at, p.id) > (:afterAt, :afterId)', {
        afterAt: q.after.submittedAt,
        afterId: q.after.id,
      });
    return qb.orderBy('p.submitted_at', 'ASC').addOrderBy('p.id', 'ASC').limit(q.limit).getMany();
  }

  /** Another permit already holds this permit number. */
  async permitNumberTaken(tx: EntityManager, permitNumber: string, exceptId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM rp.residence_permit WHERE permit_number = $1 AND id <> $2 LIMIT 1`,
      [permitNumber, exceptId],
    );
    return rows.length > 0;
  }

  /** Another permit already holds this receipt number. */
  async receiptTaken(tx: EntityManager, receiptNumber: string, exceptId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM rp.residence_permit WHERE receipt_number = $1 AND id <> $2 LIMIT 1`,
      [receiptNumber, exceptId],
    );
    return rows.length > 0;
  }

  /** Custody of the passport held against a receipt number (one indexed look-up), or null. */
  async custodyByReceipt(receiptNumber: string): Promise<{ heldSince: Date | null; releasedAt: Date | null } | null> {
    const rows: { held_since: Date | null; released_at: Date | null }[] = await this.ds.query(
      'SELECT passport_held_since AS held_since, passport_released_at AS released_at FROM rp.residence_permit WHERE receipt_number = $1',
      [receiptNumber],
    );
    const row = rows[0];
    return row ? { heldSince: row.held_since, releasedAt: row.released_at } : null;
  }
}
