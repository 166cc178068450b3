import type { EntityManager } from 'typeorm';
import {
  BadUserInputError,
  BUNDLED_OFFICIAL_YEARS,
  HolidayNoticeError,
  NotFoundError,
  noticeToEntries,
  parseHolidayNotice,
  parseIsoDate,
  saveClosure,
  saveHolidayNotice,
  shanghaiDate,
  type Actor,
  type CalendarStore,
  type Clock,
  type DayInfo,
  type CommandPipeline,
  type CommandSpec,
  type HolidayNotice,
} from '@onestop/common';
import { EVENT_TYPES } from '@onestop/common/contract';
import type { CalendarEntryStore } from './calendar.store.js';
import type { CalendarMonth, CalendarYear } from './calendar.type.js';

/** Serialises calendar edits (two managers loading the same year at once). Arbitrary but fixed. */
export const CALENDAR_EDIT_LOCK = 7_340_101;

/** The years a notice may be loaded for (platform.calendar_year's CHECK). */
const MIN_YEAR = 2000;
const MAX_YEAR = 2100;
/** How far ahead `years()` lists years without official data. */
const YEARS_AHEAD = 2;
const MAX_CLOSURE_NAME = 200;

/** One edit of the calendar: the years it touches, why, and the writes. */
interface CalendarEdit {
  years: number[];
  reason: string;
  write(tx: EntityManager, now: Date): Promise<void>;
}

/** A calendar edit as a command (named after its mutation); its target is the calendar's edit lock. */
const calendarEdit = (name: string): CommandSpec<CalendarEdit, { locked: true }, void> => ({
  name,
  action: 'calendar.manage',
  load: async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [CALENDAR_EDIT_LOCK]);
    return { locked: true };
  },
  resource: () => ({}),
  notFound: () => new NotFoundError('Calendar', 'edit lock'),
  subject: (_t, edit) => ({ aggregateId: `calendar-${edit.years[0]}`, employerId: null, counterId: null }),
  execute: async (cx, _t, edit) => {
    await edit.write(cx.tx, cx.now);
    cx.emit(EVENT_TYPES.calendarChanged, { years: edit.years, reason: edit.reason });
  },
});

/** The calendar's edits, by mutation. */
const CALENDAR_EDITS = {
  loadHolidayNotice: calendarEdit('loadHolidayNotice'),
  addClosure: calendarEdit('addClosure'),
  removeClosure: calendarEdit('removeClosure'),
};

/**
 * The working-day calendar through GraphQL: reads from the process's cached calendar, and the
 * MANAGER's edits (a year's notice, closures), each written with its `calendar.changed` event in
 * one transaction. Every process reloads its calendar on that event and every subgraph
 * recomputes its open deadlines (here: the SLA clocks' consumer).
 */
export class CalendarService {
  constructor(
    private readonly entries: CalendarEntryStore,
    private readonly commands: CommandPipeline,
    private readonly store: CalendarStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Every day of a month.
   * @throws BadUserInputError when the year or month is out of range (both listed).
   */
  month(year: number, month: number): CalendarMonth {
    const problems: string[] = [];
    if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
      problems.push(`year: must be a year from ${MIN_YEAR} to ${MAX_YEAR}, got ${year}`);
    }
    if (!Number.isInteger(month) || month < 1 || month > 12) problems.push(`month: must be 1 to 12, got ${month}`);
    if (problems.length) throw new BadUserInputError('Cannot show that month', problems);
    const days = this.store.calendar.month(year, month);
    return {
      year,
      month,
      provisional: !this.store.calendar.isOfficialYear(year),
      workingDays: days.filter((d) => d.working).length,
      days,
    };
  }

  /**
   * The years with official data (bundled with chinese-days or loaded by a manager), plus the
   * current year and the next two, so a missing notice shows up before deadlines reach it.
   */
  async years(): Promise<CalendarYear[]> {
    const loaded = await this.entries.loadedYears();
    const byYear = new Map(loaded.map((l) => [l.year, l]));
    const bundled = new Set(BUNDLED_OFFICIAL_YEARS);
    const current = Number(shanghaiDate(this.clock.now()).slice(0, 4));
    const years = new Set<number>([...bundled, ...byYear.keys()]);
    for (let y = current; y <= current + YEARS_AHEAD; y++) years.add(y);
    return [...years]
      .sort((a, b) => a - b)
      .map((year) => {
        const l = byYear.get(year);
        const official = !!l || bundled.has(year);
        return {
          year,
          official,
          provisional: !official,
          source: l ? 'LOADED' : bundled.has(year) ? 'BUNDLED' : 'NONE',
          loadedAt: l?.loadedAt ?? null,
          loadedBy: l?.loadedBy ?? null,
        };
      });
  }

  /**
   * Loads a year's State Council notice: replaces that year's holidays and adjusted working
   * days (closures stay), marks the year official, appends `calendar.changed`.
   * @throws BadUserInputError listing every problem with the notice; nothing is written then.
   */
  async loadNotice(actor: Actor, input: unknown): Promise<CalendarYear> {
    let notice: HolidayNotice;
    try {
      notice = parseHolidayNotice(input);
    } catch (err) {
      if (err instanceof HolidayNoticeError) throw new BadUserInputError('The holiday notice is invalid', err.problems);
      throw err;
    }
    // A New Year's span may reach into the neighbouring years: those years' deadlines move too.
    const years = [...new Set([notice.year, ...noticeToEntries(notice).map((e) => parseIsoDate(e.date).year)])].sort(
      (a, b) => a - b,
    );
    await this.edit(actor, 'loadHolidayNotice', years, `State Council notice for ${notice.year} loaded`, (tx, now) =>
      saveHolidayNotice(tx, notice, actor.id, now),
    );
    return (await this.years()).find((y) => y.year === notice.year)!;
  }

  /**
   * Closes the one-stop service on a day (today or later): it stops being a working day.
   * Adding a closure that exists renames it.
   * @throws BadUserInputError listing every problem.
   */
  async addClosure(actor: Actor, date: string, name: string): Promise<DayInfo> {
    const problems = this.closureDateProblems(date);
    const trimmed = typeof name === 'string' ? name.trim() : '';
    if (!trimmed) problems.push('name: must say why the service is closed, got an empty text');
    else if (trimmed.length > MAX_CLOSURE_NAME) {
      problems.push(`name: at most ${MAX_CLOSURE_NAME} characters, got ${trimmed.length}`);
    }
    if (problems.length) throw new BadUserInputError('Cannot add the closure', problems);
    await this.edit(actor, 'addClosure', [parseIsoDate(date).year], `closure on ${date} added: ${trimmed}`, (tx, now) =>
      saveClosure(tx, date, trimmed, actor.id, now),
    );
    return this.store.calendar.day(date);
  }

  /**
   * Reopens a closed day (today or later). A loaded notice's holiday or adjusted working day
   * that the closure had replaced comes back.
   * @throws BadUserInputError for a bad or past date; NotFoundError when there is no closure.
   */
  async removeClosure(actor: Actor, date: string): Promise<DayInfo> {
    const problems = this.closureDateProblems(date);
    if (problems.length) throw new BadUserInputError('Cannot remove the closure', problems);
    const year = parseIsoDate(date).year;
    await this.edit(actor, 'removeClosure', [year], `closure on ${date} removed`, async (tx, now) => {
      if (!(await this.entries.lockClosure(tx, date))) throw new NotFoundError('Closure on', date);
      await this.entries.deleteEntry(tx, date);
      // The notice of this year, or of the next one for a New Year's span reaching back.
      for (const notice of await this.entries.notices(tx, [year, year + 1])) {
        const entry = noticeToEntries(notice).find((e) => e.date === date);
        if (!entry) continue;
        await this.entries.insertEntry(tx, { date, kind: entry.kind, name: entry.name ?? null }, actor.id, now);
        break;
      }
    });
    return this.store.calendar.day(date);
  }

  /**
   * Runs an edit as a command of the kernel's pipeline: the calendar's advisory lock is the
   * target (two managers editing take turns), `write` and its `calendar.changed` event commit
   * together; then this process's calendar is refreshed.
   */
  private async edit(
    actor: Actor,
    name: keyof typeof CALENDAR_EDITS,
    years: number[],
    reason: string,
    write: (tx: EntityManager, now: Date) => Promise<void>,
  ): Promise<void> {
    await this.commands.run(actor, CALENDAR_EDITS[name], { years, reason, write });
    // The runtime reloads on the event too; this makes the answer to this request current.
    await this.store.reload();
  }

  /** A closure's date must be a real date within the calendar's range, and not in the past. */
  private closureDateProblems(date: string): string[] {
    let year: number;
    try {
      year = parseIsoDate(date).year;
    } catch {
      return [`date: ${JSON.stringify(date)} is not a valid date in the form YYYY-MM-DD`];
    }
    const problems: string[] = [];
    if (year < MIN_YEAR || year > MAX_YEAR) problems.push(`date: must fall in ${MIN_YEAR} to ${MAX_YEAR}, got ${date}`);
    const today = shanghaiDate(this.clock.now());
    if (date < today) {
      problems.push(`date: ${date} is in the past (today is ${today}); clocks have already run on that day`);
    }
    return problems;
  }
}
