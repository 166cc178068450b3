import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { EVENT_TYPES, newEvent, type Category, type NewEvent, type SlaKind } from '@onestop/common/contract';

/** The events of an SLA clock's thresholds. */
export type SlaEventType =
  typeof EVENT_TYPES.slaWarning | typeof EVENT_TYPES.slaBreached | typeof EVENT_TYPES.slaResolved;
import {
  BREACH_THRESHOLD,
  thresholdsDue,
  type ClockSchedule,
  type SlaBasis,
  type SlaClockState,
} from './sla-clock.rules.js';

/** A clock as the SQL below reads it (camelCase aliases of cs.sla_clock). */
export interface ClockRow {
  id: string;
  caseId: string;
  kind: SlaKind;
  basis: SlaBasis;
  targetWorkingDays: number | null;
  targetMinutes: number | null;
  employerId: string | null;
  category: string | null;
  counterId: string | null;
  ticketId: string | null;
  startedAt: Date;
  dueAt: Date;
  provisional: boolean;
  thresholds: number[];
  fireAts: Date[];
  state: SlaClockState;
  lastThreshold: number | null;
  nextThreshold: number | null;
  nextFireAt: Date | null;
  stoppedAt: Date | null;
}

export const CLOCK_COLUMNS = `id, case_id AS "caseId", kind, basis, target_working_days AS "targetWorkingDays",
  target_minutes AS "targetMinutes", employer_id AS "employerId", category, counter_id AS "counterId",
  ticket_id AS "ticketId", started_at AS "startedAt", due_at AS "dueAt", provisional, thresholds,
  fire_ats AS "fireAts", state, last_threshold AS "lastThreshold", next_threshold AS "nextThreshold",
  next_fire_at AS "nextFireAt", stopped_at AS "stoppedAt"`;

/** What starts a clock. */
export interface NewClock {
  caseId: string;
  kind: SlaKind;
  employerId: string | null;
  category: string | null;
  counterId: string | null;
  ticketId: string | null;
  startedAt: Date;
  targetWorkingDays: number | null;
  targetMinutes: number | null;
  schedule: ClockSchedule;
  startEventId: string;
}

/** Inserts a running clock; a redelivered start event (same event, same kind) inserts nothing. */
export async function insertClock(tx: EntityManager, c: NewClock, now: Date): Promise<void> {
  const s = c.schedule;
  await tx.query(
    `INSERT INTO cs.sla_clock (id, case_id, kind, basis, target_working_days, target_minutes, employer_id, category,
       counter_id, ticket_id, started_at, due_at, provisional, thresholds, fire_ats, state, next_threshold, next_fire_at,
       start_event_id, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'RUNNING', $16, $17, $18, $19)
     ON CONFLICT (start_event_id, kind) DO NOTHING`,
    [
      randomUUID(),
      c.caseId,
      c.kind,
      c.targetMinutes === null ? 'WORKING_DAYS' : 'WALL_MINUTES',
      c.targetWorkingDays,
      c.targetMinutes,
      c.employerId,
      c.category,
      c.counterId,
      c.ticketId,
      c.startedAt,
      s.due,
      s.provisional,
      s.thresholds,
      s.fireAts,
      s.thresholds[0],
      s.fireAts[0],
      c.startEventId,
      now,
    ],
  );
}

/** Locks the not yet stopped clocks of a case (RUNNING, or BREACHED and still counting). */
export async function lockOpenClocks(
  tx: EntityManager,
  caseId: string,
  kinds: readonly SlaKind[],
  ticketId?: string,
): Promise<ClockRow[]> {
  return tx.query(
    `SELECT ${CLOCK_COLUMNS} FROM cs.sla_clock
     WHERE case_id = $1 AND kind = ANY ($2) AND stopped_at IS NULL AND state IN ('RUNNING', 'BREACHED')
       AND ($3::text IS NULL OR ticket_id = $3)
     ORDER BY started_at, id
     FOR UPDATE`,
    [caseId, kinds, ticketId ?? null],
  );
}

/**
 * Moves a clock past every threshold due at `cutoff` (in memory) and returns the events to
 * append. The caller holds the row lock and saves the row in the same transaction as the
 * append, so each threshold is emitted exactly once.
 */
export function fireDueThresholds(row: ClockRow, cutoff: Date, now: Date): NewEvent<SlaEventType>[] {
  if (row.state !== 'RUNNING') return [];
  const due = thresholdsDue(row.thresholds, row.fireAts, row.nextThreshold, cutoff);
  if (!due.fired.length) return [];
  row.lastThreshold = due.fired[due.fired.length - 1]!.threshold;
  row.nextThreshold = due.nextThreshold;
  row.nextFireAt = due.nextFireAt;
  if (due.breached) row.state = 'BREACHED';
  return due.fired.map((f) =>
    slaEvent(
      row,
      f.threshold === BREACH_THRESHOLD ? EVENT_TYPES.slaBreached : EVENT_TYPES.slaWarning,
      f.threshold,
      f.at,
      now,
    ),
  );
}

/** The event of a warning, a breach or a resolution of one clock. */
export function slaEvent(
  row: ClockRow,
  type: SlaEventType,
  threshold: number,
  at: Date,
  now: Date,
): NewEvent<SlaEventType> {
  return newEvent(
    type,
    row.caseId,
    {
      clockId: row.id,
      caseId: row.caseId,
      kind: row.kind,
      threshold,
      counterId: row.counterId,
      category: row.category as Category | null,
      dueAt: row.dueAt.toISOString(),
      at: at.toISOString(),
    },
    { employerId: row.employerId, counterId: row.counterId, actor: null, at: now },
  );
}

/**
 * Writes the mutable part of clocks in one statement, opens a breach row for each clock that
 * is now BREACHED and has none, and resolves the breaches of clocks stopped after breaching.
 * `progressOnly`: only the threshold progress changed (the sweep), so the schedule columns are
 * left alone and the statement stays small.
 */
export async function saveClocks(
  tx: EntityManager,
  rows: readonly ClockRow[],
  now: Date,
  opts: { progressOnly?: boolean } = {},
): Promise<void> {
  if (!rows.length) return;
  if (opts.progressOnly) {
    await tx.query(
      `UPDATE cs.sla_clock c SET state = u.state, last_threshold = u.last_threshold, next_threshold = u.next_threshold,
         next_fire_at = u.next_fire_at, updated_at = $6
       FROM unnest($1::uuid[], $2::text[], $3::integer[], $4::integer[], $5::timestamptz[])
         AS u(id, state, last_threshold, next_threshold, next_fire_at)
       WHERE c.id = u.id`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.state),
        rows.map((r) => r.lastThreshold),
        rows.map((r) => r.nextThreshold),
        rows.map((r) => r.nextFireAt),
        now,
      ],
    );
  } else {
    await saveSchedules(tx, rows, now);
  }
  await openAndResolveBreaches(tx, rows);
}

async function saveSchedules(tx: EntityManager, rows: readonly ClockRow[], now: Date): Promise<void> {
  await tx.query(
    `UPDATE cs.sla_clock c SET
       state = u.state, last_threshold = u.last_threshold, next_threshold = u.next_threshold,
       next_fire_at = u.next_fire_at, stopped_at = u.stopped_at, due_at = u.due_at, provisional = u.provisional,
       fire_ats = ARRAY(SELECT f.at::timestamptz FROM jsonb_array_elements_text(u.fire_ats) WITH ORDINALITY AS f(at, n) ORDER BY f.n),
       updated_at = $2
     FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, state text, last_threshold integer, next_threshold integer,
       next_fire_at timestamptz, stopped_at timestamptz, due_at timestamptz, provisional boolean, fire_ats jsonb)
     WHERE c.id = u.id`,
    [
      JSON.stringify(
        rows.map((r) => ({
          id: r.id,
          state: r.state,
          last_threshold: r.lastThreshold,
          next_threshold: r.nextThreshold,
          next_fire_at: r.nextFireAt,
          stopped_at: r.stoppedAt,
          due_at: r.dueAt,
          provisional: r.provisional,
          fire_ats: r.fireAts,
        })),
      ),
      now,
    ],
  );
}

async function openAndResolveBreaches(tx: EntityManager, rows: readonly ClockRow[]): Promise<void> {
  const breached = rows.filter((r) => r.state === 'BREACHED');
  if (breached.length) {
    await tx.query(
      `INSERT INTO cs.sla_breach (id, clock_id, case_id, employer_id, kind, category, counter_id, due_at, breached_at)
       SELECT gen_random_uuid(), b.clock_id, b.case_id, b.employer_id, b.kind, b.category, b.counter_id, b.due_at, b.due_at
       FROM jsonb_to_recordset($1::jsonb) AS b(clock_id uuid, case_id text, employer_id text, kind text, category text,
         counter_id text, due_at timestamptz)
       ON CONFLICT (clock_id) DO NOTHING`,
      [
        JSON.stringify(
          breached.map((r) => ({
            clock_id: r.id,
            case_id: r.caseId,
            employer_id: r.employerId,
            kind: r.kind,
            category: r.category,
            counter_id: r.counterId,
            due_at: r.dueAt,
          })),
        ),
      ],
    );
    const resolved = breached.filter((r) => r.stoppedAt !== null);
    if (resolved.length) {
      await tx.query(
        `UPDATE cs.sla_breach b SET resolved_at = u.resolved_at
         FROM unnest($1::uuid[], $2::timestamptz[]) AS u(clock_id, resolved_at)
         WHERE b.clock_id = u.clock_id AND b.resolved_at IS NULL`,
        [resolved.map((r) => r.id), resolved.map((r) => r.stoppedAt)],
      );
    }
  }
}
