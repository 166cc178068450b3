import type { DataSource, EntityManager } from 'typeorm';
import type { HolidayNotice } from '@onestop/common';

/** A day of the calendar's own table (a holiday, an adjusted working day, a closure). */
export interface CalendarEntry {
  date: string;
  kind: string;
  name: string | null;
}

/**
 * SQL of the calendar edits this module makes itself (`platform.calendar_entry`,
 * `platform.calendar_year`); loading a notice and adding a closure use `@onestop/common`'s
 * `saveHolidayNotice` / `saveClosure`, which own those tables' rules.
 */
export class CalendarEntryStore {
  constructor(private readonly ds: DataSource) {}

  /** The years a manager loaded a notice for, with when and by whom. */
  loadedYears(): Promise<{ year: number; loadedAt: Date; loadedBy: string }[]> {
    return this.ds.query(`SELECT year, loaded_at AS "loadedAt", loaded_by AS "loadedBy" FROM platform.calendar_year`);
  }

  /** Locks the closure on `date`; false when there is none. */
  async lockClosure(tx: EntityManager, date: string): Promise<boolean> {
    const closures: unknown[] = await tx.query(
      `SELECT date FROM platform.calendar_entry WHERE date = $1 AND kind = 'CLOSURE' FOR UPDATE`,
      [date],
    );
    return closures.length > 0;
  }

  async deleteEntry(tx: EntityManager, date: string): Promise<void> {
    await tx.query(`DELETE FROM platform.calendar_entry WHERE date = $1`, [date]);
  }

  async insertEntry(tx: EntityManager, entry: CalendarEntry, by: string, now: Date): Promise<void> {
    await tx.query(
      `INSERT INTO platform.calendar_entry (date, kind, name, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
      [entry.date, entry.kind, entry.name, by, now],
    );
  }

  /** The loaded notices of the years, oldest first. */
  async notices(tx: EntityManager, years: number[]): Promise<HolidayNotice[]> {
    const rows: { notice: HolidayNotice }[] = await tx.query(
      `SELECT notice FROM platform.calendar_year WHERE year = ANY ($1::int[]) ORDER BY year`,
      [years],
    );
    return rows.map((r) => r.notice);
  }
}
