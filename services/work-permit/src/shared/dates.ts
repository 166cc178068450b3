import { addCalendarDays, parseIsoDate } from '@onestop/common';

/** Whole calendar days from `a` to `b` (both `YYYY-MM-DD`); negative when b is before a. */
export function daysBetween(a: string, b: string): number {
  const pa = parseIsoDate(a);
  const pb = parseIsoDate(b);
  return Math.round((Date.UTC(pb.year, pb.month - 1, pb.day) - Date.UTC(pa.year, pa.month - 1, pa.day)) / 86_400_000);
}

/**
 * The last day of a period of `years` years starting on `from`: 2026-03-01 + 1 year → 2027-02-28.
 * A period starting on 29 February ends on 28 February.
 */
export function lastDayOfYears(from: string, years: number): string {
  const p = parseIsoDate(from);
  const year = p.year + years;
  const lastOfMonth = new Date(Date.UTC(year, p.month, 0)).getUTCDate();
  const same = `${String(year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(Math.min(p.day, lastOfMonth)).padStart(2, '0')}`;
  // Clamped (29 Feb → 28 Feb) is already the last day; otherwise the day before the anniversary.
  return p.day > lastOfMonth ? same : addCalendarDays(same, -1);
}

/** Full years of age on `on` for someone born on `born`. */
export function ageOn(born: string, on: string): number {
  const b = parseIsoDate(born);
  const o = parseIsoDate(on);
  let age = o.year - b.year;
  if (o.month < b.month || (o.month === b.month && o.day < b.day)) age--;
  return age;
}

/** Parses a `YYYY-MM-DD` date; on failure adds a problem naming `path` and returns null. */
export function checkDate(value: string | null | undefined, path: string, problems: string[]): string | null {
  if (value === null || value === undefined || value === '') {
    problems.push(`${path} is required (YYYY-MM-DD)`);
    return null;
  }
  try {
    parseIsoDate(value);
    return value;
  } catch {
    problems.push(`${path} must be a date in the form YYYY-MM-DD that exists, got "${value}"`);
    return null;
  }
}

/** The earliest of some `YYYY-MM-DD` dates (they compare as strings). */
export function minDate(...dates: string[]): string {
  return dates.reduce((a, b) => (b < a ? b : a));
}
