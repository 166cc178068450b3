/**
 * Typed access to the State Council calendar bundled with the `chinese-days` package.
 *
 * We read its raw JSON maps rather than calling its `isWorkday`: for a year it has no notice
 * for, `isWorkday` silently answers with the Mon–Fri rule, whereas we must know that the
 * year is not covered so deadlines there can be marked provisional. The package is a UMD
 * bundle whose ESM facade exposes only `default` and does not export the maps at all, so the
 * JSON is loaded through `require`, which also keeps this independent of `resolveJsonModule`.
 */
import { createRequire } from 'node:module';
import { epochDayOf, partsOfEpochDay } from './shanghai-time.js';
import { InvariantError } from '../errors.js';

/** One day the official calendar marks differently from the Mon–Fri rule. */
export interface OfficialDay {
  readonly kind: 'HOLIDAY' | 'ADJUSTED_WORKDAY';
  /** English name of the festival the day belongs to, e.g. `Spring Festival`. */
  readonly name: string;
}

/** The bundled data, indexed for the calendar. */
export interface OfficialData {
  readonly days: ReadonlyMap<number, OfficialDay>;
  readonly daysByYear: ReadonlyMap<number, readonly number[]>;
  readonly years: readonly number[];
}

const RAW_DATA_PATH = 'chinese-days/dist/chinese-days.json';

/**
 * Indexes raw `chinese-days` data (`{ holidays, workdays }`, date → label). Separate from
 * loading so the coverage rule can be tested with data the package does not ship yet.
 * @throws Error when the data does not have the expected shape.
 */
export function buildOfficialData(raw: unknown): OfficialData {
  const holidays = stringRecord(raw, 'holidays');
  const workdays = stringRecord(raw, 'workdays');

  const days = new Map<number, OfficialDay>();
  const daysByYear = new Map<number, number[]>();
  const years = new Set<number>();
  const add = (date: string, kind: OfficialDay['kind'], label: string): void => {
    const epochDay = epochDayOf(date);
    if (days.has(epochDay)) {
      throw new InvariantError(`${RAW_DATA_PATH} lists ${date} as both a holiday and a working day.`);
    }
    days.set(epochDay, { kind, name: englishName(label) });
    const { year, month, day } = partsOfEpochDay(epochDay);
    let list = daysByYear.get(year);
    if (!list) daysByYear.set(year, (list = []));
    list.push(epochDay);
    // A notice may reach about a week into the neighbouring years for its New Year span
    // (the 2023 notice starts on 2022-12-31). Only a holiday away from the turn of the year
    // shows that the notice for that year itself is present.
    const nearTurnOfYear = (month === 1 && day <= 7) || (month === 12 && day >= 25);
    if (kind === 'HOLIDAY' && !nearTurnOfYear) years.add(year);
  };
  for (const [date, label] of Object.entries(holidays)) add(date, 'HOLIDAY', label);
  for (const [date, label] of Object.entries(workdays)) add(date, 'ADJUSTED_WORKDAY', label);

  return { days, daysByYear, years: [...years].sort((a, b) => a - b) };
}

function stringRecord(raw: unknown, key: string): Record<string, string> {
  const value: unknown = typeof raw === 'object' && raw !== null ? Reflect.get(raw, key) : undefined;
  const ok = typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string');
  if (!ok) {
    throw new InvariantError(`${RAW_DATA_PATH} has no "${key}" map of date → label; has its format changed?`);
  }
  return value as Record<string, string>;
}

/** Labels look like `Spring Festival,春节,4` (English, Chinese, festival number). */
function englishName(label: string): string {
  const parts = label.split(',');
  return parts.length >= 3 ? parts.slice(0, -2).join(',') : label;
}

const OFFICIAL = buildOfficialData(createRequire(import.meta.url)(RAW_DATA_PATH));

/** Official special days by epoch day. */
export const OFFICIAL_DAYS: ReadonlyMap<number, OfficialDay> = OFFICIAL.days;

/** Epoch days of {@link OFFICIAL_DAYS}, grouped by calendar year, so a year table is built without scanning everything. */
export const OFFICIAL_DAYS_BY_YEAR: ReadonlyMap<number, readonly number[]> = OFFICIAL.daysByYear;

/**
 * Years whose State Council notice ships with `chinese-days` (derived from its data, so a
 * package upgrade extends it without a code change). At version 1.5.7: 2004–2026.
 */
export const BUNDLED_OFFICIAL_YEARS: readonly number[] = Object.freeze([...OFFICIAL.years]);
