/**
 * Business dates in Asia/Shanghai.
 *
 * China has used UTC+8 all year round since 1991 (no DST), so a fixed offset is exact for
 * every date this product handles and spares us Intl/time-zone lookups on hot paths.
 *
 * Internally a date is an "epoch day": the number of whole days from 1970-01-01 to that
 * civil date. That is a plain integer, so the working-day calendar can walk hundreds of days
 * without building a Date or a string per day.
 */

/** IANA name of the zone every business date refers to. */
export const SHANGHAI_TIME_ZONE = 'Asia/Shanghai';

export const MS_PER_DAY = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Years the helpers accept: the range a four-digit YYYY can express. */
export const MIN_YEAR = 1;
export const MAX_YEAR = 9999;

/** A civil date split into its parts; month and day are 1-based. */
export interface IsoDateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * Parses a `YYYY-MM-DD` date strictly: exactly that shape, no time or offset, and a day that
 * exists in that month (so `2026-02-29` is rejected).
 * @throws RangeError on anything else.
 */
export function parseIsoDate(s: string): IsoDateParts {
  const match = typeof s === 'string' ? ISO_DATE.exec(s) : null;
  if (!match) {
    throw new RangeError(`${describe(s)} is not a date in the form YYYY-MM-DD.`);
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < MIN_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`${describe(s)} is not a date that exists in the calendar.`);
  }
  return { year, month, day };
}

/** The Shanghai calendar date (`YYYY-MM-DD`) on which `instant` falls. */
export function shanghaiDate(instant: Date): string {
  return isoDateOfEpochDay(epochDayOfInstantMs(instantMs(instant, 'instant')));
}

/** The first instant of `date` in Shanghai (00:00 +08:00). */
export function shanghaiDayStart(date: string): Date {
  return new Date(dayStartMs(epochDayOf(date)));
}

/**
 * The exclusive end of `date` in Shanghai: 00:00 +08:00 of the next day.
 *
 * "Due at the end of the day" is represented by exactly this instant, with nothing
 * subtracted: a clock is breached only once `now >= due`, so 23:59:59.999 is still on time
 * and there is no off-by-one-millisecond ambiguity.
 */
export function shanghaiDayEnd(date: string): Date {
  return new Date(dayStartMs(epochDayOf(date) + 1));
}

/** `date` moved by `n` calendar days (n may be negative). */
export function addCalendarDays(date: string, n: number): string {
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`The number of days must be an integer, got ${String(n)}.`);
  }
  return isoDateOfEpochDay(epochDayOf(date) + n);
}

/** Day of the week of `date`: 0 = Sunday … 6 = Saturday (as `Date#getDay`). */
export function weekday(date: string): number {
  return weekdayOfEpochDay(epochDayOf(date));
}

/** English name of a weekday number from {@link weekday}. */
export function weekdayName(day: number): string {
  const name = WEEKDAY_NAMES[day];
  if (name === undefined) throw new RangeError(`${day} is not a weekday number (0..6).`);
  return name;
}

// ---------------------------------------------------------------------------------------
// Epoch-day arithmetic shared by the calendar module (not re-exported from the package).

/** Days from 1970-01-01 to the given civil date (proleptic Gregorian; H. Hinnant's algorithm). */
export function epochDayFromParts(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Inverse of {@link epochDayFromParts}. */
export function partsOfEpochDay(epochDay: number): IsoDateParts {
  const z = epochDay + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Epoch day of a strictly validated `YYYY-MM-DD`. */
export function epochDayOf(date: string): number {
  const { year, month, day } = parseIsoDate(date);
  return epochDayFromParts(year, month, day);
}

/** `YYYY-MM-DD` of an epoch day; throws when the year cannot be written with four digits. */
export function isoDateOfEpochDay(epochDay: number): string {
  const { year, month, day } = partsOfEpochDay(epochDay);
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new RangeError(`Year ${year} is outside the supported range ${MIN_YEAR}..${MAX_YEAR}.`);
  }
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

/** 0 = Sunday; 1970-01-01 was a Thursday. */
export function weekdayOfEpochDay(epochDay: number): number {
  return (((epochDay + 4) % 7) + 7) % 7;
}

/** The Shanghai epoch day on which the instant `ms` (Unix milliseconds) falls. */
export function epochDayOfInstantMs(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / MS_PER_DAY);
}

/** Unix milliseconds of 00:00 Shanghai on the given epoch day. */
export function dayStartMs(epochDay: number): number {
  return epochDay * MS_PER_DAY - SHANGHAI_OFFSET_MS;
}

/** Unix milliseconds of a Date, rejecting invalid Dates so NaN never leaks into deadlines. */
export function instantMs(instant: Date, label: string): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new RangeError(`${label} must be a valid Date, got ${describe(instant)}.`);
  }
  return ms;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return 'an invalid Date';
  return String(value);
}
