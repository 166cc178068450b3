import type { DataSource } from 'typeorm';
import {
  employerScope,
  leanRows,
  leanStatement,
  type Actor,
  type CalendarStore,
  type Clock,
  type WorkingDayCalendar,
} from '@onestop/common';
import { remainingMinutes } from './sla-clock.rules.js';
import type { ClockRow } from './sla-clock.store.js';
import type { SlaClock } from './sla-clock.type.js';

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

/** `Case.sla`: the clocks of cases, scoped to what the actor may see. */
export class CaseClocksService {
  constructor(
    private readonly ds: DataSource,
    private readonly calendar: CalendarStore,
    private readonly clock: Clock,
  ) {}

  /** The clocks of several cases in one statement (an agency gets only its employers' clocks). */
  async clocksByCase(actor: Actor, caseIds: readonly string[]): Promise<Map<string, SlaClock[]>> {
    const scope = employerScope(actor);
    const statement = leanStatement(
      this.ds,
      'sla-clock.by-case',
      () => `SELECT ${CASE_CLOCK_COLUMNS} FROM cs.sla_clock
       WHERE case_id = ANY ($1::text[]) AND ($2::text[] IS NULL OR employer_id = ANY ($2::text[]))
       ORDER BY started_at, id`,
    );
    const rows = await leanRows<CaseClockRow>(this.ds, statement, [[...caseIds], scope ? [...scope] : null]);
    const now = this.clock.now();
    const calendar = this.calendar.calendar;
    const byCase = new Map<string, SlaClock[]>();
    for (const row of rows) {
      let list = byCase.get(row.caseId);
      if (!list) byCase.set(row.caseId, (list = []));
      list.push(toSlaClock(row, calendar, now));
    }
    return byCase;
  }
}

/** A clock as GraphQL shows it, with the time left computed on the current calendar. */
export function toSlaClock(row: CaseClockRow, calendar: WorkingDayCalendar, now: Date): SlaClock {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    startedAt: row.startedAt,
    dueAt: row.dueAt,
    stoppedAt: row.stoppedAt,
    remainingWorkingMinutes: remainingMinutes(calendar, row.basis, row.stoppedAt ?? now, row.dueAt),
    lastThreshold: row.lastThreshold,
    warningPercents: row.thresholds.slice(0, -1),
    provisional: row.provisional,
    counterId: row.counterId,
    category: row.category,
  };
}
