/**
 * The State Council working-day calendar used by every SLA clock (DOMAIN.md, "Time rules").
 *
 * Sources, strongest first: database entries (notices a manager loaded, closures a manager
 * added) > the official data bundled with `chinese-days` > the Mon–Fri rule. A year with
 * neither bundled nor loaded official data is *provisional*: it follows the Mon–Fri rule, and
 * every deadline that depends on it says so, because the real holidays are not known yet.
 *
 * A calendar is immutable. Loading a notice means building a new calendar and recomputing
 * the affected deadlines with it, so caches never need invalidating.
 */
import { BUNDLED_OFFICIAL_YEARS, OFFICIAL_DAYS, OFFICIAL_DAYS_BY_YEAR } from './official-data.js';
import {
  MAX_YEAR,
  MIN_YEAR,
  MS_PER_DAY,
  dayStartMs,
  daysInMonth,
  epochDayFromParts,
  epochDayOf,
  epochDayOfInstantMs,
  instantMs,
  isLeapYear,
  isoDateOfEpochDay,
  partsOfEpochDay,
  weekdayOfEpochDay,
} from './shanghai-time.js';

/** How a date is classified. Only `WORKDAY` and `ADJUSTED_WORKDAY` are working days. */
export type DayKind = 'WORKDAY' | 'WEEKEND' | 'HOLIDAY' | 'ADJUSTED_WORKDAY' | 'CLOSURE';

/** A database row of the calendar: one date of a loaded notice, or a closure a manager added. */
export interface CalendarEntry {
  date: string;
  kind: 'HOLIDAY' | 'ADJUSTED_WORKDAY' | 'CLOSURE';
  name?: string | null;
}

/** Everything the product needs to know about one date. */
export interface DayInfo {
  date: string;
  kind: DayKind;
  working: boolean;
  name: string | null;
  /** The year has no official notice yet, so the classification may still change. */
  provisional: boolean;
}

/** What the database contributes to the calendar. */
export interface CalendarData {
  /** Years whose official notice has been loaded into the database (in addition to the years chinese-days covers). */
  loadedYears: readonly number[];
  /** Entries from the database: loaded notices and manager-added closures. They override chinese-days for their date. */
  entries: readonly CalendarEntry[];
}

// Day kinds as small integers so a year fits in a Uint8Array.
const WORKDAY = 0;
const WEEKEND = 1;
const HOLIDAY = 2;
const ADJUSTED_WORKDAY = 3;
const CLOSURE = 4;
const KIND_BY_CODE: readonly DayKind[] = ['WORKDAY', 'WEEKEND', 'HOLIDAY', 'ADJUSTED_WORKDAY', 'CLOSURE'];
const CODE_BY_ENTRY_KIND: Readonly<Record<CalendarEntry['kind'], number>> = {
  HOLIDAY,
  ADJUSTED_WORKDAY,
  CLOSURE,
};
/**
 * When the database holds several entries for one date, the most restrictive wins whatever
 * their order: a manager's closure must take effect even on a day the notice made a working
 * Saturday, and a holiday/working-day clash errs on the side of the applicant's deadline.
 */
const ENTRY_RANK: Readonly<Record<number, number>> = { [ADJUSTED_WORKDAY]: 1, [HOLIDAY]: 2, [CLOSURE]: 3 };

const BUNDLED_YEARS: ReadonlySet<number> = new Set(BUNDLED_OFFICIAL_YEARS);

function isWorkingCode(code: number): boolean {
  return code === WORKDAY || code === ADJUSTED_WORKDAY;
}

interface DbDay {
  readonly code: number;
  readonly name: string | null;
}

/** One calendar year, precomputed the first time any of its days is consulted. */
interface YearTable {
  readonly year: number;
  /** Epoch day of 1 January. */
  readonly firstDay: number;
  readonly length: number;
  readonly official: boolean;
  readonly codes: Uint8Array;
  /** `cumulative[i]` = working days among the year's first `i` days; `cumulative[length]` is the year's total. */
  readonly cumulative: Uint16Array;
}

/** Working-day arithmetic over the official calendar plus database entries. Immutable; cheap to query. */
export class WorkingDayCalendar {
  readonly #loadedYears: ReadonlySet<number>;
  readonly #dbDays: ReadonlyMap<number, DbDay>;
  readonly #dbDaysByYear: ReadonlyMap<number, readonly number[]>;
  readonly #tables = new Map<number, YearTable>();
  /** Most clocks stay inside one year, so the last table used answers most lookups without a Map probe. */
  #lastTable: YearTable | undefined;

  private constructor(
    loadedYears: ReadonlySet<number>,
    dbDays: ReadonlyMap<number, DbDay>,
    dbDaysByYear: ReadonlyMap<number, readonly number[]>,
  ) {
    this.#loadedYears = loadedYears;
    this.#dbDays = dbDays;
    this.#dbDaysByYear = dbDaysByYear;
  }

  /**
   * The calendar of the official data bundled with `chinese-days`, overlaid with `data`
   * from the database.
   * @throws RangeError when a loaded year or an entry is malformed.
   */
  static fromOfficialData(data: CalendarData = { loadedYears: [], entries: [] }): WorkingDayCalendar {
    const problems: string[] = [];
    const loadedYears = new Set<number>();
    for (const year of data.loadedYears) {
      if (Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR) loadedYears.add(year);
      else problems.push(`loaded year ${String(year)} is not a year between ${MIN_YEAR} and ${MAX_YEAR}`);
    }
    const dbDays = new Map<number, DbDay>();
    const dbDaysByYear = new Map<number, number[]>();
    data.entries.forEach((entry, i) => {
      const code: number | undefined = Object.hasOwn(CODE_BY_ENTRY_KIND, entry.kind)
        ? CODE_BY_ENTRY_KIND[entry.kind]
        : undefined;
      let epochDay: number;
      try {
        epochDay = epochDayOf(entry.date);
      } catch (error) {
        problems.push(`entries[${i}].date: ${(error as Error).message}`);
        return;
      }
      if (code === undefined) {
        problems.push(`entries[${i}].kind: ${String(entry.kind)} is not HOLIDAY, ADJUSTED_WORKDAY or CLOSURE`);
        return;
      }
      const name = entry.name ?? null;
      if (name !== null && typeof name !== 'string') {
        problems.push(`entries[${i}].name must be a string or null`);
        return;
      }
      const existing = dbDays.get(epochDay);
      if (existing === undefined) {
        const year = partsOfEpochDay(epochDay).year;
        let list = dbDaysByYear.get(year);
        if (!list) dbDaysByYear.set(year, (list = []));
        list.push(epochDay);
      }
      if (existing === undefined || ENTRY_RANK[code]! > ENTRY_RANK[existing.code]!) {
        dbDays.set(epochDay, { code, name });
      }
    });
    if (problems.length > 0) {
      throw new RangeError(`Invalid calendar data: ${problems.join('; ')}.`);
    }
    return new WorkingDayCalendar(loadedYears, dbDays, dbDaysByYear);
  }

  /** Whether the State Council notice for `year` is known: bundled with `chinese-days`, or loaded by a manager. */
  isOfficialYear(year: number): boolean {
    return BUNDLED_YEARS.has(year) || this.#loadedYears.has(year);
  }

  /** Classification of one `YYYY-MM-DD` date. */
  day(date: string): DayInfo {
    return this.#dayInfo(epochDayOf(date));
  }

  /** Whether `date` (`YYYY-MM-DD`) is a working day. */
  isWorkingDay(date: string): boolean {
    return isWorkingCode(this.#code(epochDayOf(date)));
  }

  /** Every day of a month (`month` 1..12), in order. */
  month(year: number, month: number): DayInfo[] {
    if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
      throw new RangeError(`${String(year)} is not a year between ${MIN_YEAR} and ${MAX_YEAR}.`);
    }
    if (!Number.isInteger(month) || month < 1 || month > 12) {
      throw new RangeError(`${String(month)} is not a month (1..12).`);
    }
    const first = epochDayFromParts(year, month, 1);
    const days: DayInfo[] = [];
    for (let d = first, end = first + daysInMonth(year, month); d < end; d++) days.push(this.#dayInfo(d));
    return days;
  }

  /**
   * Due instant of a clock of n working days that starts at `start`: the end of the nth working day after the
   * start day (the start day itself excluded, even when it is a working day).
   *
   * `due` is the exclusive end of that day, i.e. 00:00 Shanghai of the following day; the
   * clock is breached once `now >= due`. `provisional` is true when any day from the day
   * after the start up to the due day lies in a year without an official notice. With
   * `n = 0` the due is the end of the start day itself.
   * @throws RangeError when `n` is not a non-negative integer or `start` is not a valid Date.
   */
  addWorkingDays(start: Date, n: number): { due: Date; provisional: boolean } {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`The number of working days must be a non-negative integer, got ${String(n)}.`);
    }
    const startDay = epochDayOfInstantMs(instantMs(start, 'start'));
    if (n === 0) return { due: new Date(dayStartMs(startDay + 1)), provisional: false };
    const found = this.#nthWorkingDayAfter(startDay, n);
    return { due: new Date(dayStartMs(found.day + 1)), provisional: found.provisional };
  }

  /**
   * Whole working days strictly after a's day up to and including b's day.
   * Antisymmetric: when b's day is before a's day the result is negative.
   */
  workingDaysBetween(a: Date, b: Date): number {
    const dayA = epochDayOfInstantMs(instantMs(a, 'a'));
    const dayB = epochDayOfInstantMs(instantMs(b, 'b'));
    if (dayA <= dayB) return this.#countWorking(dayA + 1, dayB);
    return -this.#countWorking(dayB + 1, dayA);
  }

  /**
   * Milliseconds between two instants that fall on working days (a working day counts all 24 h). Used for
   * "remaining working time" and for 50%/75% SLA warning points.
   *
   * Counts the working part of `[from, to)`. Antisymmetric, so "remaining until due" turns
   * negative once the due has passed.
   */
  workingMillisBetween(from: Date, to: Date): number {
    const fromMs = instantMs(from, 'from');
    const toMs = instantMs(to, 'to');
    if (toMs < fromMs) return -this.workingMillisBetween(to, from);
    const dayA = epochDayOfInstantMs(fromMs);
    const dayB = epochDayOfInstantMs(toMs);
    const workingA = isWorkingCode(this.#code(dayA));
    if (dayA === dayB) return workingA ? toMs - fromMs : 0;
    let total = workingA ? dayStartMs(dayA + 1) - fromMs : 0;
    total += this.#countWorking(dayA + 1, dayB - 1) * MS_PER_DAY;
    // Touch dayB only when part of it is inside the interval: `to` at 00:00 (a due instant)
    // must not consult the next year, which may not even be covered.
    const intoB = toMs - dayStartMs(dayB);
    if (intoB > 0 && isWorkingCode(this.#code(dayB))) total += intoB;
    return total;
  }

  /**
   * The instant at which `ms` of working time has elapsed after `from` (inverse of workingMillisBetween).
   *
   * Returns the earliest such instant, so a span that ends exactly at the close of a working
   * day yields that day's exclusive end (00:00 of the next day), the same instant
   * {@link addWorkingDays} uses for a due. Fractions of a millisecond are rounded up: the
   * result is the first whole millisecond at which at least `ms` has elapsed.
   * @throws RangeError when `ms` is negative or not finite.
   */
  addWorkingMillis(from: Date, ms: number): Date {
    const fromMs = instantMs(from, 'from');
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`The working time to add must be a non-negative number of milliseconds, got ${String(ms)}.`);
    }
    let remaining = Math.ceil(ms);
    if (remaining === 0) return new Date(fromMs);
    const fromDay = epochDayOfInstantMs(fromMs);
    if (isWorkingCode(this.#code(fromDay))) {
      const restOfDay = dayStartMs(fromDay + 1) - fromMs;
      if (remaining <= restOfDay) return new Date(fromMs + remaining);
      remaining -= restOfDay;
    }
    const wholeDaysBefore = Math.ceil(remaining / MS_PER_DAY) - 1;
    const { day } = this.#nthWorkingDayAfter(fromDay, wholeDaysBefore + 1);
    return new Date(dayStartMs(day) + remaining - wholeDaysBefore * MS_PER_DAY);
  }

  /**
   * True if any day consulted between the two instants lies in a non-official year.
   *
   * The days consulted are those of the half-open interval `[min, max)`, so a due instant
   * of 00:00 on 1 January does not drag the next year in. Equal instants consult nothing.
   */
  isProvisionalBetween(from: Date, to: Date): boolean {
    const aMs = instantMs(from, 'from');
    const bMs = instantMs(to, 'to');
    if (aMs === bMs) return false;
    const firstYear = partsOfEpochDay(epochDayOfInstantMs(Math.min(aMs, bMs))).year;
    const lastYear = partsOfEpochDay(epochDayOfInstantMs(Math.max(aMs, bMs) - 1)).year;
    for (let year = firstYear; year <= lastYear; year++) {
      if (!this.isOfficialYear(year)) return true;
    }
    return false;
  }

  #dayInfo(epochDay: number): DayInfo {
    const table = this.#tableOfDay(epochDay);
    const code = table.codes[epochDay - table.firstDay]!;
    const name = this.#dbDays.has(epochDay)
      ? this.#dbDays.get(epochDay)!.name
      : (OFFICIAL_DAYS.get(epochDay)?.name ?? null);
    return {
      date: isoDateOfEpochDay(epochDay),
      kind: KIND_BY_CODE[code]!,
      working: isWorkingCode(code),
      name,
      provisional: !table.official,
    };
  }

  #code(epochDay: number): number {
    const table = this.#tableOfDay(epochDay);
    return table.codes[epochDay - table.firstDay]!;
  }

  /** Working days in `[first, last]` (epoch days); 0 when the range is empty. */
  #countWorking(first: number, last: number): number {
    if (last < first) return 0;
    let table = this.#tableOfDay(first);
    const lastTable = this.#tableOfDay(last);
    const from = first - table.firstDay;
    if (table === lastTable) return table.cumulative[last - table.firstDay + 1]! - table.cumulative[from]!;
    let count = table.cumulative[table.length]! - table.cumulative[from]!;
    for (let year = table.year + 1; year < lastTable.year; year++) {
      table = this.#table(year);
      count += table.cumulative[table.length]!;
    }
    return count + lastTable.cumulative[last - lastTable.firstDay + 1]!;
  }

  /** The nth (n ≥ 1) working day after `startDay`, and whether any year walked through is provisional. */
  #nthWorkingDayAfter(startDay: number, n: number): { day: number; provisional: boolean } {
    let table = this.#tableOfDay(startDay + 1);
    let offset = startDay + 1 - table.firstDay;
    let remaining = n;
    let provisional = false;
    for (;;) {
      if (!table.official) provisional = true;
      const { cumulative } = table;
      const base = cumulative[offset]!;
      const available = cumulative[table.length]! - base;
      if (remaining <= available) {
        // Smallest index i ≥ offset with cumulative[i + 1] ≥ base + remaining: that day is
        // working and completes the count.
        const target = base + remaining;
        let lo = offset;
        let hi = table.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cumulative[mid + 1]! >= target) hi = mid;
          else lo = mid + 1;
        }
        return { day: table.firstDay + lo, provisional };
      }
      remaining -= available;
      table = this.#table(table.year + 1);
      offset = 0;
    }
  }

  #tableOfDay(epochDay: number): YearTable {
    const last = this.#lastTable;
    if (last !== undefined && epochDay >= last.firstDay && epochDay < last.firstDay + last.length) return last;
    const table = this.#table(partsOfEpochDay(epochDay).year);
    this.#lastTable = table;
    return table;
  }

  #table(year: number): YearTable {
    const cached = this.#tables.get(year);
    if (cached !== undefined) return cached;
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw new RangeError(`Year ${year} is outside the calendar's range ${MIN_YEAR}..${MAX_YEAR}.`);
    }
    const firstDay = epochDayFromParts(year, 1, 1);
    const length = isLeapYear(year) ? 366 : 365;
    const codes = new Uint8Array(length);
    const firstWeekday = weekdayOfEpochDay(firstDay);
    for (let i = 0; i < length; i++) {
      const wd = (firstWeekday + i) % 7;
      codes[i] = wd === 0 || wd === 6 ? WEEKEND : WORKDAY;
    }
    for (const day of OFFICIAL_DAYS_BY_YEAR.get(year) ?? []) {
      codes[day - firstDay] = OFFICIAL_DAYS.get(day)!.kind === 'HOLIDAY' ? HOLIDAY : ADJUSTED_WORKDAY;
    }
    for (const day of this.#dbDaysByYear.get(year) ?? []) {
      codes[day - firstDay] = this.#dbDays.get(day)!.code;
    }
    const cumulative = new Uint16Array(length + 1);
    for (let i = 0; i < length; i++) cumulative[i + 1] = cumulative[i]! + (isWorkingCode(codes[i]!) ? 1 : 0);
    const table: YearTable = { year, firstDay, length, official: this.isOfficialYear(year), codes, cumulative };
    this.#tables.set(year, table);
    return table;
  }
}
