import type { DataSource } from 'typeorm';
import {
  BadUserInputError,
  assertNoProblems,
  decodeCursor,
  encodeCursor,
  pageSize,
  employerScope,
  type Actor,
  type CalendarStore,
  type Clock,
  type EventStore,
  type EventSubscription,
  type WorkingDayCalendar,
  leanRows,
  leanStatement,
} from '@onestop/common';
import { CATEGORIES, EVENT_TYPES, type DomainEvent, decodeEvent, type SlaKind } from '@onestop/common/contract';
import { BREACH_THRESHOLD, remainingMinutes } from './sla-clock.rules.js';
import type { ClockRow } from './sla-clock.store.js';
import type { SlaAlert } from './sla-alert.type.js';
import type { SlaBreach, SlaBreachConnection } from './sla-breach.type.js';
import type { SlaClock } from './sla-clock.type.js';

export interface SlaBreachFilter {
  kind?: SlaKind | null;
  counterId?: string | null;
  category?: string | null;
  open?: boolean | null;
}

export interface SlaAlertFilter {
  kind?: SlaKind | null;
  counterId?: string | null;
  category?: string | null;
  breachesOnly?: boolean | null;
}

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

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Reads of clocks, breaches and the live alert feed, scoped to what the actor may see. */
export class SlaQueryService {
  constructor(
    private readonly ds: DataSource,
    private readonly calendar: CalendarStore,
    private readonly clock: Clock,
    private readonly events: EventStore,
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

  /**
   * Breaches, newest first, keyset-paginated on (breached_at, id).
   * @throws BadUserInputError listing every problem with the arguments.
   */
  async breaches(
    actor: Actor,
    filter: SlaBreachFilter,
    first: number = DEFAULT_PAGE_SIZE,
    after?: string | null,
  ): Promise<SlaBreachConnection> {
    const problems = categoryProblems(filter.category);
    const size = pageSize(first, problems, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const cursor = toKeyset(decodeCursor(after, 2, problems), problems);
    assertNoProblems('Cannot list SLA breaches', problems);
    const scope = employerScope(actor);
    const where = `($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR counter_id = $2)
      AND ($3::text IS NULL OR category = $3)
      AND ($4::boolean IS NULL OR (resolved_at IS NULL) = $4)
      AND ($5::text[] IS NULL OR employer_id = ANY ($5))`;
    const params = [
      filter.kind ?? null,
      filter.counterId ?? null,
      filter.category ?? null,
      filter.open ?? null,
      scope ? [...scope] : null,
    ];
    const [rows, count] = await Promise.all([
      this.ds.query(
        `SELECT id, clock_id AS "clockId", case_id AS "caseId", kind, category, counter_id AS "counterId",
                due_at AS "dueAt", breached_at AS "breachedAt", resolved_at AS "resolvedAt"
         FROM cs.sla_breach
         WHERE ${where} AND ($6::timestamptz IS NULL OR (breached_at, id) < ($6, $7::uuid))
         ORDER BY breached_at DESC, id DESC
         LIMIT $8`,
        [...params, cursor?.at ?? null, cursor?.id ?? null, size + 1],
      ) as Promise<BreachRow[]>,
      this.ds.query(`SELECT count(*)::int AS n FROM cs.sla_breach WHERE ${where}`, params) as Promise<{ n: number }[]>,
    ]);
    const page = rows.slice(0, size);
    const edges = page.map((r) => ({ cursor: encodeCursor([r.breachedAt.toISOString(), r.id]), node: toSlaBreach(r) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > size,
        hasPreviousPage: cursor !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      totalCount: count[0]?.n ?? 0,
    };
  }

  /**
   * Warnings and breaches as they are appended (replayed from `since` first, when given),
   * filtered to the actor's scope: an agency only hears of its employers' cases.
   * @throws BadUserInputError for a bad category or `since`.
   */
  alerts(actor: Actor, filter: SlaAlertFilter, since?: string | null): EventSubscription {
    const problems = categoryProblems(filter.category);
    problems.push(...sinceProblems(since));
    if (problems.length) throw new BadUserInputError('Cannot subscribe to SLA alerts', problems);
    const scope = employerScope(actor);
    return this.events.subscribe({
      since: since ?? undefined,
      types: filter.breachesOnly ? [EVENT_TYPES.slaBreached] : [EVENT_TYPES.slaWarning, EVENT_TYPES.slaBreached],
      filter: (e) => {
        if (scope && (e.employerId === null || !scope.includes(e.employerId))) return false;
        // An alert that does not decode ends the subscription with EventDecodeError (never skipped).
        const p = decodeEvent(e, ALERT_TYPES).payload;
        return (
          (!filter.kind || p.kind === filter.kind) &&
          (!filter.counterId || p.counterId === filter.counterId) &&
          (!filter.category || p.category === filter.category)
        );
      },
    });
  }
}

/** The events an SLA alert subscription pushes. */
const ALERT_TYPES = [EVENT_TYPES.slaWarning, EVENT_TYPES.slaBreached];

interface BreachRow {
  id: string;
  clockId: string;
  caseId: string;
  kind: SlaKind;
  category: string | null;
  counterId: string | null;
  dueAt: Date;
  breachedAt: Date;
  resolvedAt: Date | null;
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

/** An `sla.warning` / `sla.breached` event as the subscription pushes it. */
export function toSlaAlert(event: DomainEvent): SlaAlert {
  const p = decodeEvent(event, ALERT_TYPES).payload;
  return {
    eventId: event.id,
    clockId: p.clockId,
    kind: p.kind,
    threshold: p.threshold,
    breach: p.threshold >= BREACH_THRESHOLD,
    case: { id: p.caseId },
    counterId: p.counterId,
    category: p.category,
    dueAt: p.dueAt,
    at: p.at,
  };
}

function toSlaBreach(r: BreachRow): SlaBreach {
  return {
    id: r.id,
    clockId: r.clockId,
    case: { id: r.caseId },
    kind: r.kind,
    category: r.category,
    counterId: r.counterId,
    dueAt: r.dueAt,
    breachedAt: r.breachedAt,
    resolvedAt: r.resolvedAt,
    open: r.resolvedAt === null,
  };
}

/** What is wrong with a subscription's `since` (an event id received), if anything. */
export function sinceProblems(since: string | null | undefined): string[] {
  if (since === undefined || since === null || /^(0|[1-9][0-9]{0,18})$/.test(since)) return [];
  return [`since: must be an event id (the eventId of an event received), got ${JSON.stringify(since)}`];
}

function categoryProblems(category: string | null | undefined): string[] {
  if (category === undefined || category === null || (CATEGORIES as readonly string[]).includes(category)) return [];
  return [`category: must be one of ${CATEGORIES.join(', ')}, got ${JSON.stringify(category)}`];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The keyset position (breached_at, id) of a decoded cursor. */
function toKeyset(parts: string[] | null, problems: string[]): { at: Date; id: string } | null {
  if (!parts) return null;
  const at = new Date(parts[0]!);
  if (Number.isNaN(at.getTime()) || !UUID.test(parts[1]!)) {
    problems.push('after is not a cursor this list returned');
    return null;
  }
  return { at, id: parts[1]! };
}
