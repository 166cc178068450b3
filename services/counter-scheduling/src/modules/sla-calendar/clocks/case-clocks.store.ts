import type { DataSource } from 'typeorm';
import { leanRows, leanStatement } from '@onestop/common';
import type { ClockRow } from './sla-clock.store.js';

/** The columns `Case.sla` shows (not the sweep's schedule: fire times, next threshold, targets). */
const CASE_CLOCK_COLUMNS = `id, case_id AS "caseId", kind, basis, state, started_at AS "startedAt", due_at AS "dueAt",
  stopped_at AS "stoppedAt", last_threshold AS "lastThreshold", thresholds, provisional, counter_id AS "counterId", category`;

/** A clock as `Case.sla` reads it. */
export type CaseClockRow = Pick<
  ClockRow,
  | 'id'
  | 'caseId'
  | 'kind'
  | 'basis'
  | 'state'
  | 'startedAt'
  | 'dueAt'
  | 'stoppedAt'
  | 'lastThreshold'
  | 'thresholds'
  | 'provisional'
  | 'counterId'
  | 'category'
>;

/** SQL of `Case.sla`: the clocks of several cases in one prepared statement. */
export class CaseClocksStore {
  constructor(private readonly ds: DataSource) {}

  /** The clocks of the cases, oldest first; only the employers' when `employerIds` is given. */
  clocksOfCases(caseIds: readonly string[], employerIds: string[] | null): Promise<CaseClockRow[]> {
    const statement = leanStatement(
      this.ds,
      'sla-clock.by-case',
      () => `SELECT ${CASE_CLOCK_COLUMNS} FROM cs.sla_clock
       WHERE case_id = ANY ($1::text[]) AND ($2::text[] IS NULL OR employer_id = ANY ($2::text[]))
       ORDER BY started_at, id`,
    );
    return leanRows<CaseClockRow>(this.ds, statement, [[...caseIds], employerIds]);
  }
}
