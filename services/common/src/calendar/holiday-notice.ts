/**
 * The State Council's annual holiday notice (国务院办公厅关于…部分节假日安排的通知), published
 * each November for the next year, as data a manager loads once `chinese-days` no longer
 * covers the year.
 */
import { epochDayFromParts, epochDayOf, isoDateOfEpochDay, weekdayName, weekdayOfEpochDay } from './shanghai-time.js';
import type { CalendarEntry } from './working-day-calendar.js';

/** One year's notice: holiday spans (inclusive) and the weekend days worked in exchange (调休). */
export interface HolidayNotice {
  year: number;
  holidays: { name: string; from: string; to: string }[];
  adjustedWorkdays: { date: string; name?: string }[];
}

/** A notice failed validation; `problems` lists every problem found, so all can be fixed in one go. */
export class HolidayNoticeError extends Error {
  override readonly name = 'HolidayNoticeError';
  readonly problems: string[];

  constructor(problems: readonly string[]) {
    super(
      `The holiday notice is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.join('; ')}.`,
    );
    this.problems = [...problems];
  }
}

const MIN_NOTICE_YEAR = 2000;
const MAX_NOTICE_YEAR = 2100;
/**
 * How far a notice may reach into the neighbouring years. The New Year's span belongs to
 * the notice of the year it leads into and can start a few days before 1 January (the 2023
 * notice: 2022-12-31 to 2023-01-02; the 2019 notice made Sat 2018-12-29 a working day). The
 * brief also allows a span to run up to 7 January of the following year.
 */
const REACH_BACK_FROM_DECEMBER = 25;
const REACH_FORWARD_TO_JANUARY = 7;

const NOTICE_KEYS = ['year', 'holidays', 'adjustedWorkdays'];
const HOLIDAY_KEYS = ['name', 'from', 'to'];
const ADJUSTED_KEYS = ['date', 'name'];

interface NoticeWindow {
  readonly year: number;
  readonly yearStart: number;
  readonly yearEnd: number;
  readonly earliest: number;
  readonly latest: number;
}

/**
 * Validates a notice strictly and returns a normalised copy (names trimmed).
 *
 * Rules: `year` is an integer 2000..2100; every date is a valid `YYYY-MM-DD` inside that year
 * (a holiday span may start from 25 December of the previous year or end by 7 January of the
 * next, for New Year's, as long as it includes a day of the year; an adjusted working day
 * may fall from 25 December of the previous year); `from <= to`; holidays do not overlap;
 * adjusted working days are Saturdays or Sundays, distinct, and not inside a holiday; no
 * unknown fields.
 * @throws HolidayNoticeError listing every problem found.
 */
export function parseHolidayNotice(input: unknown): HolidayNotice {
  if (!isPlainObject(input)) {
    throw new HolidayNoticeError(['the notice must be an object with year, holidays and adjustedWorkdays']);
  }
  const problems: string[] = [];
  unknownKeys(input, NOTICE_KEYS, 'notice', problems);

  const year = input['year'];
  let window: NoticeWindow | null = null;
  if (typeof year !== 'number' || !Number.isInteger(year) || year < MIN_NOTICE_YEAR || year > MAX_NOTICE_YEAR) {
    problems.push(`year: ${show(year)} is not a whole year between ${MIN_NOTICE_YEAR} and ${MAX_NOTICE_YEAR}`);
  } else {
    window = {
      year,
      yearStart: epochDayFromParts(year, 1, 1),
      yearEnd: epochDayFromParts(year, 12, 31),
      earliest: epochDayFromParts(year - 1, 12, REACH_BACK_FROM_DECEMBER),
      latest: epochDayFromParts(year + 1, 1, REACH_FORWARD_TO_JANUARY),
    };
  }

  const holidays: HolidayNotice['holidays'] = [];
  const spans: { index: number; name: string; from: number; to: number }[] = [];
  const rawHolidays = input['holidays'];
  if (!Array.isArray(rawHolidays)) {
    problems.push('holidays: must be a list of { name, from, to }');
  } else if (rawHolidays.length === 0) {
    problems.push('holidays: a notice declares at least one holiday');
  } else {
    rawHolidays.forEach((raw: unknown, i) => {
      const path = `holidays[${i}]`;
      if (!isPlainObject(raw)) {
        problems.push(`${path}: must be an object { name, from, to }`);
        return;
      }
      unknownKeys(raw, HOLIDAY_KEYS, path, problems);
      const name = requiredName(raw['name'], `${path}.name`, problems);
      const from = dateField(raw['from'], `${path}.from`, problems);
      const to = dateField(raw['to'], `${path}.to`, problems);
      if (window && from !== null && (from < window.earliest || from > window.yearEnd)) {
        problems.push(`${path}.from: ${isoDateOfEpochDay(from)} ${outsideYear(window.year)}`);
      }
      if (window && to !== null && (to < window.yearStart || to > window.latest)) {
        problems.push(`${path}.to: ${isoDateOfEpochDay(to)} ${outsideYear(window.year)}`);
      }
      if (from !== null && to !== null && from > to) {
        problems.push(`${path}: from ${isoDateOfEpochDay(from)} is after to ${isoDateOfEpochDay(to)}`);
      }
      if (name !== null && from !== null && to !== null) {
        holidays.push({ name, from: isoDateOfEpochDay(from), to: isoDateOfEpochDay(to) });
        if (from <= to) spans.push({ index: i, name, from, to });
      }
    });
  }

  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const a = spans[i]!;
      const b = spans[j]!;
      if (a.from <= b.to && b.from <= a.to) {
        problems.push(
          `holidays[${a.index}] (${a.name}, ${spanText(a)}) overlaps holidays[${b.index}] (${b.name}, ${spanText(b)})`,
        );
      }
    }
  }

  const adjustedWorkdays: HolidayNotice['adjustedWorkdays'] = [];
  const seen = new Map<number, number>();
  const rawAdjusted = input['adjustedWorkdays'];
  if (!Array.isArray(rawAdjusted)) {
    problems.push('adjustedWorkdays: must be a list of { date, name? } (empty if the notice moves no weekend days)');
  } else {
    rawAdjusted.forEach((raw: unknown, i) => {
      const path = `adjustedWorkdays[${i}]`;
      if (!isPlainObject(raw)) {
        problems.push(`${path}: must be an object { date, name? }`);
        return;
      }
      unknownKeys(raw, ADJUSTED_KEYS, path, problems);
      const rawName = raw['name'];
      const name = rawName === undefined || rawName === null ? null : requiredName(rawName, `${path}.name`, problems);
      const day = dateField(raw['date'], `${path}.date`, problems);
      if (day === null) return;
      const date = isoDateOfEpochDay(day);
      if (window && (day < window.earliest || day > window.yearEnd)) {
        problems.push(`${path}.date: ${date} ${outsideYear(window.year)}`);
      }
      const wd = weekdayOfEpochDay(day);
      if (wd !== 0 && wd !== 6) {
        problems.push(
          `${path}.date: ${date} is a ${weekdayName(wd)}; an adjusted working day is always a Saturday or Sunday`,
        );
      }
      for (const span of spans) {
        if (day >= span.from && day <= span.to) {
          problems.push(`${path}.date: ${date} is inside holidays[${span.index}] (${span.name}, ${spanText(span)})`);
        }
      }
      const first = seen.get(day);
      if (first !== undefined) problems.push(`${path}.date: ${date} is already listed as adjustedWorkdays[${first}]`);
      else seen.set(day, i);
      adjustedWorkdays.push(name === null ? { date } : { date, name });
    });
  }

  if (problems.length > 0 || window === null) throw new HolidayNoticeError(problems);
  return { year: window.year, holidays, adjustedWorkdays };
}

/**
 * Expands a notice into one calendar entry per day, sorted by date: every day of every
 * holiday span becomes a `HOLIDAY`, every adjusted working day an `ADJUSTED_WORKDAY`.
 * @throws HolidayNoticeError when the notice is not valid (it is re-checked, since a typed
 * value can still come from an unvalidated source).
 */
export function noticeToEntries(notice: HolidayNotice): CalendarEntry[] {
  const valid = parseHolidayNotice(notice);
  const entries: CalendarEntry[] = [];
  for (const holiday of valid.holidays) {
    for (let d = epochDayOf(holiday.from), to = epochDayOf(holiday.to); d <= to; d++) {
      entries.push({ date: isoDateOfEpochDay(d), kind: 'HOLIDAY', name: holiday.name });
    }
  }
  for (const adjusted of valid.adjustedWorkdays) {
    entries.push({ date: adjusted.date, kind: 'ADJUSTED_WORKDAY', name: adjusted.name ?? null });
  }
  // ISO dates sort chronologically as strings.
  return entries.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

function dateField(value: unknown, path: string, problems: string[]): number | null {
  if (typeof value !== 'string') {
    problems.push(`${path}: ${show(value)} is not a date in the form YYYY-MM-DD`);
    return null;
  }
  try {
    return epochDayOf(value);
  } catch {
    problems.push(`${path}: ${show(value)} is not a valid date in the form YYYY-MM-DD`);
    return null;
  }
}

function requiredName(value: unknown, path: string, problems: string[]): string | null {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push(`${path}: must be a non-empty text, got ${show(value)}`);
    return null;
  }
  return value.trim();
}

function unknownKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
  problems: string[],
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problems.push(`${path}: unknown field "${key}" (expected ${allowed.join(', ')})`);
  }
}

function outsideYear(year: number): string {
  return (
    `is outside the ${year} notice (dates fall in ${year}; only a New Year's span may reach back to ` +
    `${year - 1}-12-${REACH_BACK_FROM_DECEMBER} or forward to ${year + 1}-01-0${REACH_FORWARD_TO_JANUARY})`
  );
}

function spanText(span: { from: number; to: number }): string {
  return span.from === span.to
    ? isoDateOfEpochDay(span.from)
    : `${isoDateOfEpochDay(span.from)} to ${isoDateOfEpochDay(span.to)} (${span.to - span.from + 1} days)`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
