import { employerScope, type Actor, type CalendarStore, type Clock, type WorkingDayCalendar } from '@onestop/common';
import type { CaseClockRow, CaseClocksStore } from './case-clocks.store.js';
import { remainingMinutes } from './sla-clock.rules.js';
import type { SlaClock } from './sla-clock.type.js';

/** `Case.sla`: the clocks of cases, scoped to what the actor may see. */
export class CaseClocksService {
  constructor(
    private readonly store: CaseClocksStore,
    private readonly calendar: CalendarStore,
    private readonly clock: Clock,
  ) {}

  /** The clocks of several cases in one statement (an agency gets only its employers' clocks). */
  async clocksByCase(actor: Actor, caseIds: readonly string[]): Promise<Map<string, SlaClock[]>> {
    const scope = employerScope(actor);
    const rows = await this.store.clocksOfCases(caseIds, scope ? [...scope] : null);
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
