import type { EntityManager } from 'typeorm';
import { isUuid } from '@onestop/common';
import { formatCaseReference } from '@onestop/common/contract';
import { CaseTimelineEntity } from './case-timeline.entity.js';
import { CaseEntity } from './case.entity.js';

/** A line of a case's timeline as written (the id is the database's). */
export type TimelineLine = Omit<CaseTimelineEntity, 'id' | 'case'>;

/**
 * Locks one case row for the rest of the transaction (`FOR UPDATE`), so concurrent commands and
 * event handlers on the same case take turns; null when there is none. Whether the actor may see
 * it is the command pipeline's scope check (out of scope reads as NOT_FOUND, like a missing case).
 */
export async function lockCase(tx: EntityManager, caseId: string): Promise<CaseEntity | null> {
  if (!isUuid(caseId)) return null;
  return tx
    .getRepository(CaseEntity)
    .createQueryBuilder('c')
    .setLock('pessimistic_write')
    .where('c.id = :id', { id: caseId })
    .getOne();
}

/** A case by id, unlocked (an idempotent replay reads back what the first attempt made). */
export function caseById(tx: EntityManager, caseId: string): Promise<CaseEntity | null> {
  return tx.getRepository(CaseEntity).findOneBy({ id: caseId });
}

/**
 * The SUBMITTED cases whose pre-examination clock runs through [from, to), locked in id order
 * (a calendar change recomputes their due times).
 */
export function lockOpenPreExaminations(tx: EntityManager, from: Date, to: Date): Promise<CaseEntity[]> {
  return tx
    .getRepository(CaseEntity)
    .createQueryBuilder('c')
    .setLock('pessimistic_write')
    .where(`c.status = 'SUBMITTED'`)
    .andWhere('c.preExamDueAt >= :from', { from })
    .andWhere('c.preExamStartedAt < :to', { to })
    .orderBy('c.id')
    .getMany();
}

/** The next reference of `year`: the counter row is created or incremented, and stays locked until commit. */
export async function nextReference(tx: EntityManager, year: number): Promise<string> {
  const rows: { last_value: number }[] = await tx.query(
    `INSERT INTO wp.case_reference_counter (year, last_value) VALUES ($1, 1)
     ON CONFLICT (year) DO UPDATE SET last_value = wp.case_reference_counter.last_value + 1
     RETURNING last_value`,
    [year],
  );
  return formatCaseReference(year, rows[0]!.last_value);
}

/** Writes field changes of cases (with `updatedAt`) and timeline lines, in one transaction. */
export async function writeCaseChanges(
  tx: EntityManager,
  at: Date,
  patches: ReadonlyMap<CaseEntity, Partial<CaseEntity>>,
  timeline: readonly TimelineLine[],
): Promise<void> {
  for (const [c, patch] of patches) {
    await tx
      .createQueryBuilder()
      .update(CaseEntity)
      .set({ ...patch, updatedAt: at })
      .where('id = :id', { id: c.id })
      .execute();
    c.updatedAt = at;
  }
  if (timeline.length) await tx.getRepository(CaseTimelineEntity).insert([...timeline]);
}
