/**
 * The arithmetic of SLA clocks, pure so it is tested without a database: when a clock is due,
 * when each warning falls due, which thresholds a sweep must emit, how much time is left.
 *
 * Working-day clocks (pre-examination, issuance, passport custody) measure working time: a
 * working day counts all 24 hours, non-working days count nothing (the calendar's
 * `workingMillisBetween`). The counter wait is wall time: 30 minutes are 30 minutes, whatever
 * the day.
 */
import { shanghaiDate, type WorkingDayCalendar } from '@onestop/common';
import { type Deadline, type SlaKind, type SlaThresholds } from '@onestop/common/contract';

/** Lifecycle of a clock. `BREACHED` stays after a late stop; the breach is then resolved. */
export const SLA_CLOCK_STATES = ['RUNNING', 'STOPPED', 'MET', 'BREACHED', 'CANCELLED'] as const;
export type SlaClockState = (typeof SLA_CLOCK_STATES)[number];

/** How a clock counts time. */
export type SlaBasis = 'WORKING_DAYS' | 'WALL_MINUTES';

/** The threshold a breach is reported at (percent of the allowed time). */
export const BREACH_THRESHOLD = 100;

/** What a clock measures: n working days, or m minutes of wall time. */
export type SlaTarget = { basis: 'WORKING_DAYS'; workingDays: number } | { basis: 'WALL_MINUTES'; minutes: number };

/** A clock's deadline and the instants at which each threshold falls due. */
export interface ClockSchedule {
  due: Date;
  provisional: boolean;
  /** The allowed time in the clock's own measure (working or wall milliseconds). */
  allowedMs: number;
  /** Ascending percentages ending with 100 (the breach). */
  thresholds: number[];
  /** `fireAts[i]` is when `thresholds[i]` falls due; the last is `due`. */
  fireAts: Date[];
}

/** The warnings and the breach, in the order they fall due. */
export function thresholdsOf(warningPercents: readonly number[]): number[] {
  return [...warningPercents, BREACH_THRESHOLD];
}

/**
 * Schedules a clock started at `startedAt`. `deadline`, when given, is the due time another
 * subgraph already computed with the same rule (work-permit's `preExamDueAt`), so the two never
 * disagree; otherwise it is computed here.
 */
export function scheduleClock(
  calendar: WorkingDayCalendar,
  startedAt: Date,
  target: SlaTarget,
  warningPercents: readonly number[],
  deadline?: Deadline,
): ClockSchedule {
  const thresholds = thresholdsOf(warningPercents);
  if (target.basis === 'WALL_MINUTES') {
    const allowedMs = target.minutes * 60_000;
    const fireAts = thresholds.map((p) => new Date(startedAt.getTime() + Math.ceil((allowedMs * p) / 100)));
    return { due: fireAts[fireAts.length - 1]!, provisional: false, allowedMs, thresholds, fireAts };
  }
  const { due, provisional } = deadline ?? calendar.addWorkingDays(startedAt, target.workingDays);
  const allowedMs = Math.max(0, calendar.workingMillisBetween(startedAt, due));
  const fireAts = thresholds.map((p) =>
    p === BREACH_THRESHOLD ? due : minDate(calendar.addWorkingMillis(startedAt, (allowedMs * p) / 100), due),
  );
  return { due, provisional, allowedMs, thresholds, fireAts };
}

/** What a sweep (or a stop) must emit for one clock, and where the clock goes next. */
export interface DueThresholds {
  /** Thresholds that fell due at or before `now`, in order, each with the instant it fell due. */
  fired: { threshold: number; at: Date }[];
  /** The next threshold still ahead, or null once the breach fired. */
  nextThreshold: number | null;
  nextFireAt: Date | null;
  /** The breach is among `fired`. */
  breached: boolean;
}

/**
 * The thresholds from `nextThreshold` on that are due at `now`. Several may be due at once (the
 * clock moved three days, a sweep fell behind): each is emitted once, in order.
 */
export function thresholdsDue(
  thresholds: readonly number[],
  fireAts: readonly Date[],
  nextThreshold: number | null,
  now: Date,
): DueThresholds {
  let i = nextThreshold === null ? thresholds.length : thresholds.indexOf(nextThreshold);
  if (i < 0) i = thresholds.length;
  const fired: { threshold: number; at: Date }[] = [];
  while (i < thresholds.length && fireAts[i]!.getTime() <= now.getTime()) {
    fired.push({ threshold: thresholds[i]!, at: fireAts[i]! });
    i++;
  }
  return {
    fired,
    nextThreshold: i < thresholds.length ? thresholds[i]! : null,
    nextFireAt: i < thresholds.length ? fireAts[i]! : null,
    breached: fired.some((f) => f.threshold === BREACH_THRESHOLD),
  };
}

/**
 * Time left until `due`, seen from `from` (now for a running clock, the stop instant for a
 * stopped one), in whole minutes rounded down: negative as soon as the due has passed.
 * Working time for working-day clocks, wall time for the counter wait.
 */
export function remainingMinutes(calendar: WorkingDayCalendar, basis: SlaBasis, from: Date, due: Date): number {
  const ms = basis === 'WALL_MINUTES' ? due.getTime() - from.getTime() : calendar.workingMillisBetween(from, due);
  return Math.floor(ms / 60_000);
}

/** Calendar years (Asia/Shanghai) a clock's span `[startedAt, due)` touches. */
export function yearsTouched(startedAt: Date, due: Date): { first: number; last: number } {
  const first = Number(shanghaiDate(startedAt).slice(0, 4));
  const lastInstant = new Date(Math.max(startedAt.getTime(), due.getTime() - 1));
  return { first, last: Number(shanghaiDate(lastInstant).slice(0, 4)) };
}

/** The clock kinds and what each measures under the given thresholds (regulatory ones are fixed: docs/decisions/0005). */
export function targetOf(
  kind: Exclude<SlaKind, 'PRE_EXAMINATION'>,
  thresholds: SlaThresholds,
  issuanceDays: number,
): SlaTarget {
  switch (kind) {
    case 'ISSUANCE':
      return { basis: 'WORKING_DAYS', workingDays: issuanceDays };
    case 'PASSPORT_CUSTODY':
      return { basis: 'WORKING_DAYS', workingDays: thresholds.passportCustodyWorkingDays };
    case 'COUNTER_WAIT':
      return { basis: 'WALL_MINUTES', minutes: thresholds.counterWaitMinutes };
  }
}

function minDate(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}
