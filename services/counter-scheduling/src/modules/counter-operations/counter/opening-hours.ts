/**
 * Opening hours, per-date exceptions and the official calendar, turned into "is this counter
 * open on that day, and which appointment slots does it offer". Pure functions: no database,
 * no clock, so the rules are tested directly (opening-hours.spec.ts).
 *
 * The rule (docs/api/counter-scheduling.md, "Opening days"):
 *   1. A counter exception for the date (a manager's closure, Saturday opening or special
 *      hours) decides, whatever the calendar says: it is explicit and about that one date.
 *   2. Otherwise, a public holiday or a city-wide closure of the official calendar closes
 *      every counter.
 *   3. Otherwise the counter keeps its hours for that *weekday*. Opening hours are not working
 *      days: a Saturday counter opens on ordinary Saturdays, and an adjusted working Saturday
 *      (调休) opens only the counters whose hours include Saturday — it does not borrow
 *      Monday's hours.
 */
import { shanghaiDayStart, weekday, type WorkingDayCalendar } from '@onestop/common';

/** Opening hours of one weekday, HH:MM Asia/Shanghai. A weekday may have several intervals (a lunch break). */
export interface OpeningHours {
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  opens: string;
  closes: string;
}

/** A manager's exception for one date: closed all day, or open with these hours instead. */
export interface HoursException {
  /** YYYY-MM-DD, Asia/Shanghai. */
  date: string;
  closed: boolean;
  opens: string | null;
  closes: string | null;
  reason: string;
}

/** What a counter does on one date, and why. */
export interface DaySchedule {
  date: string;
  /** Open intervals in minutes after midnight, ascending; empty when closed. */
  intervals: { opens: number; closes: number }[];
  /** Why: "opening hours", "holiday: Spring Festival", "exception: staff training", … */
  reason: string;
}

/** An appointment slot. */
export interface Slot {
  start: Date;
  end: Date;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MINUTE_MS = 60_000;

/** Minutes after midnight of an `HH:MM` time, or null when it is not one. */
export function parseHhmm(value: string): number | null {
  const m = typeof value === 'string' ? HHMM.exec(value) : null;
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Every problem with a week of opening hours (empty when valid). */
export function openingHoursProblems(hours: readonly OpeningHours[], field = 'openingHours'): string[] {
  const problems: string[] = [];
  const byDay = new Map<number, { opens: number; closes: number; i: number }[]>();
  hours.forEach((h, i) => {
    const at = `${field}[${i}]`;
    if (!Number.isInteger(h.weekday) || h.weekday < 0 || h.weekday > 6) {
      problems.push(`${at}.weekday must be 0 (Sunday) to 6 (Saturday), got ${h.weekday}`);
    }
    const opens = parseHhmm(h.opens);
    const closes = parseHhmm(h.closes);
    if (opens === null) problems.push(`${at}.opens must be HH:MM (00:00–23:59), got ${JSON.stringify(h.opens)}`);
    if (closes === null) problems.push(`${at}.closes must be HH:MM (00:00–23:59), got ${JSON.stringify(h.closes)}`);
    if (opens !== null && closes !== null) {
      if (opens >= closes) problems.push(`${at}: opens (${h.opens}) must be before closes (${h.closes})`);
      else {
        const list = byDay.get(h.weekday) ?? [];
        list.push({ opens, closes, i });
        byDay.set(h.weekday, list);
      }
    }
  });
  for (const list of byDay.values()) {
    list.sort((a, b) => a.opens - b.opens);
    for (let k = 1; k < list.length; k++) {
      if (list[k]!.opens < list[k - 1]!.closes) {
        problems.push(`${field}[${list[k - 1]!.i}] and ${field}[${list[k]!.i}] overlap on the same weekday`);
      }
    }
  }
  return problems;
}

/** Every problem with an exception's hours (empty when valid). */
export function exceptionProblems(e: { closed: boolean; opens?: string | null; closes?: string | null }): string[] {
  if (e.closed) {
    return e.opens || e.closes ? ['a closure has no opening hours: leave opens and closes out'] : [];
  }
  const problems: string[] = [];
  const opens = parseHhmm(e.opens ?? '');
  const closes = parseHhmm(e.closes ?? '');
  if (opens === null) problems.push(`opens must be HH:MM (00:00–23:59), got ${JSON.stringify(e.opens ?? null)}`);
  if (closes === null) problems.push(`closes must be HH:MM (00:00–23:59), got ${JSON.stringify(e.closes ?? null)}`);
  if (opens !== null && closes !== null && opens >= closes) {
    problems.push(`opens (${e.opens}) must be before closes (${e.closes})`);
  }
  return problems;
}

/** What a counter with `hours` does on `date` (see the rule in the module comment). */
export function daySchedule(
  hours: readonly OpeningHours[],
  exception: HoursException | undefined,
  calendar: WorkingDayCalendar,
  date: string,
): DaySchedule {
  if (exception) {
    if (exception.closed) return { date, intervals: [], reason: `closed: ${exception.reason}` };
    return {
      date,
      intervals: [{ opens: parseHhmm(exception.opens!)!, closes: parseHhmm(exception.closes!)! }],
      reason: `special hours: ${exception.reason}`,
    };
  }
  const day = calendar.day(date);
  if (day.kind === 'HOLIDAY' || day.kind === 'CLOSURE') {
    return {
      date,
      intervals: [],
      reason: `${day.kind === 'HOLIDAY' ? 'public holiday' : 'closure'}${day.name ? `: ${day.name}` : ''}`,
    };
  }
  const wd = weekday(date);
  const intervals = hours
    .filter((h) => h.weekday === wd)
    .map((h) => ({ opens: parseHhmm(h.opens)!, closes: parseHhmm(h.closes)! }))
    .sort((a, b) => a.opens - b.opens);
  if (!intervals.length) {
    return {
      date,
      intervals,
      reason:
        day.kind === 'ADJUSTED_WORKDAY'
          ? 'adjusted working day, but the counter has no hours on this weekday'
          : 'no opening hours on this weekday',
    };
  }
  return {
    date,
    intervals,
    reason: day.kind === 'ADJUSTED_WORKDAY' ? 'opening hours (adjusted working day)' : 'opening hours',
  };
}

/** The appointment slots of one day: each interval cut into `slotMinutes` pieces; a piece that would run past closing is dropped. */
export function slotsOfDay(schedule: DaySchedule, slotMinutes: number): Slot[] {
  const dayStart = shanghaiDayStart(schedule.date).getTime();
  const slots: Slot[] = [];
  for (const { opens, closes } of schedule.intervals) {
    for (let m = opens; m + slotMinutes <= closes; m += slotMinutes) {
      slots.push({
        start: new Date(dayStart + m * MINUTE_MS),
        end: new Date(dayStart + (m + slotMinutes) * MINUTE_MS),
      });
    }
  }
  return slots;
}

/** True when `instant` falls inside one of the schedule's intervals. */
export function isOpenAt(schedule: DaySchedule, instant: Date): boolean {
  const minutes = (instant.getTime() - shanghaiDayStart(schedule.date).getTime()) / MINUTE_MS;
  return schedule.intervals.some((i) => minutes >= i.opens && minutes < i.closes);
}

/**
 * When the counter closes for the day: the end of its last interval. A day without opening
 * hours (closed by an exception or a holiday) counts as closed from its start.
 */
export function closingTime(schedule: DaySchedule): Date {
  const last = schedule.intervals[schedule.intervals.length - 1];
  return new Date(shanghaiDayStart(schedule.date).getTime() + (last ? last.closes : 0) * MINUTE_MS);
}

/** Formats minutes after midnight as HH:MM. */
export function formatHhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
