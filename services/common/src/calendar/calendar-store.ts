import type { DataSource, EntityManager } from 'typeorm';
import { WorkingDayCalendar, type CalendarEntry } from './working-day-calendar.js';
import { noticeToEntries, type HolidayNotice } from './holiday-notice.js';

/**
 * The official calendar as this process sees it: chinese-days' bundled years plus what
 * managers loaded into `platform.calendar_year` / `platform.calendar_entry`. Cached; call
 * `reload()` when a `calendar.changed` event arrives.
 */
export class CalendarStore {
  private current: WorkingDayCalendar = WorkingDayCalendar.fromOfficialData();

  constructor(private readonly ds: DataSource) {}

  /** The calendar to compute with now. */
  get calendar(): WorkingDayCalendar {
    return this.current;
  }

  /** Re-reads the database's notices and closures. */
  async reload(manager: EntityManager = this.ds.manager): Promise<WorkingDayCalendar> {
    const years: { year: number }[] = await manager.query('SELECT year FROM platform.calendar_year');
    const rows: { date: string; kind: CalendarEntry['kind']; name: string | null }[] = await manager.query(
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, kind, name FROM platform.calendar_entry ORDER BY date`,
    );
    this.current = WorkingDayCalendar.fromOfficialData({ loadedYears: years.map((y) => y.year), entries: rows });
    return this.current;
  }
}

/**
 * Writes a year's State Council notice: replaces that year's HOLIDAY and ADJUSTED_WORKDAY
 * entries (closures stay) and marks the year official. Runs in the caller's transaction so
 * the `calendar.changed` event commits with it.
 */
export async function saveHolidayNotice(
  tx: EntityManager,
  notice: HolidayNotice,
  actorId: string,
  at: Date,
): Promise<void> {
  const entries = noticeToEntries(notice);
  await tx.query(
    `DELETE FROM platform.calendar_entry WHERE kind <> 'CLOSURE' AND (date_part('year', date) = $1 OR date = ANY($2::date[]))`,
    [notice.year, entries.map((e) => e.date)],
  );
  if (entries.length) {
    await tx.query(
      `INSERT INTO platform.calendar_entry (date, kind, name, created_by, created_at)
       SELECT d, k, n, $4, $5 FROM unnest($1::date[], $2::text[], $3::text[]) AS t(d, k, n)
       ON CONFLICT (date) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at
       WHERE platform.calendar_entry.kind <> 'CLOSURE'`,
      [entries.map((e) => e.date), entries.map((e) => e.kind), entries.map((e) => e.name ?? null), actorId, at],
    );
  }
  await tx.query(
    `INSERT INTO platform.calendar_year (year, loaded_at, loaded_by, notice) VALUES ($1, $2, $3, $4)
     ON CONFLICT (year) DO UPDATE SET loaded_at = EXCLUDED.loaded_at, loaded_by = EXCLUDED.loaded_by, notice = EXCLUDED.notice`,
    [notice.year, at, actorId, JSON.stringify(notice)],
  );
}

/** Adds a closure (a day the one-stop service does not work, e.g. an emergency). */
export async function saveClosure(
  tx: EntityManager,
  date: string,
  name: string,
  actorId: string,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO platform.calendar_entry (date, kind, name, created_by, created_at) VALUES ($1, 'CLOSURE', $2, $3, $4)
     ON CONFLICT (date) DO UPDATE SET kind = 'CLOSURE', name = EXCLUDED.name, created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at`,
    [date, name, actorId, at],
  );
}
