/** A holiday notice as the API takes it (HolidayNoticeInput). */
export interface HolidayNotice {
  year: number;
  holidays: { name: string; from: string; to: string }[];
  adjustedWorkdays: { date: string; name?: string | null }[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_FIRST = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/;

/**
 * A date as typed: ISO (2027-10-01) or day first as the page shows dates (1/10/2027,
 * 01.10.2027), never month first. Returns YYYY-MM-DD, or null when it is not a real date.
 */
export function toIsoDate(text: string): string | null {
  const dm = DAY_FIRST.exec(text);
  const iso = dm ? `${dm[3]}-${dm[2]!.padStart(2, '0')}-${dm[1]!.padStart(2, '0')}` : text;
  if (!DATE.test(iso)) return null;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

/**
 * Reads the form's text: one holiday per line, `2027-10-01..2027-10-07 National Day` (or a
 * single date), and one adjusted working day per line, `2027-09-26 National Day`. Returns
 * every problem at once, like the API does.
 */
export function parseNoticeForm(
  year: string,
  holidaysText: string,
  workdaysText: string,
): { notice: HolidayNotice } | { problems: string[] } {
  const problems: string[] = [];
  const y = Number(year);
  if (!Number.isInteger(y) || y < 2000 || y > 2100)
    problems.push(`Year "${year}" is not a year between 2000 and 2100.`);
  const holidays: HolidayNotice['holidays'] = [];
  lines(holidaysText).forEach((line, i) => {
    const m = /^(\S+?)(?:\.\.(\S+))?\s+(.+)$/.exec(line);
    const from = m ? toIsoDate(m[1]!) : null;
    const to = m?.[2] ? toIsoDate(m[2]) : from;
    if (!m || !from || !to) {
      problems.push(
        `Holidays line ${i + 1} ("${line}") must be "date[..date] name", each date YYYY-MM-DD or day first (DD/MM/YYYY).`,
      );
      return;
    }
    holidays.push({ from, to, name: m[3]!.trim() });
  });
  const adjustedWorkdays: HolidayNotice['adjustedWorkdays'] = [];
  lines(workdaysText).forEach((line, i) => {
    const m = /^(\S+)(?:\s+(.+))?$/.exec(line);
    const date = m ? toIsoDate(m[1]!) : null;
    if (!m || !date) {
      problems.push(
        `Adjusted working days line ${i + 1} ("${line}") must be "date [name]", the date YYYY-MM-DD or day first (DD/MM/YYYY).`,
      );
      return;
    }
    adjustedWorkdays.push({ date, name: m[2]?.trim() ?? null });
  });
  return problems.length ? { problems } : { notice: { year: y, holidays, adjustedWorkdays } };
}

/** Reads a pasted JSON notice: the API's shape ({ year, holidays: [{name, from, to}], adjustedWorkdays: [{date, name}] }). */
export function parseNoticeJson(text: string): { notice: HolidayNotice } | { problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { problems: [`The JSON cannot be read: ${(err as Error).message}`] };
  }
  const o = raw as Partial<HolidayNotice>;
  const problems: string[] = [];
  if (typeof o !== 'object' || o === null) return { problems: ['The JSON must be an object.'] };
  if (!Number.isInteger(o.year)) problems.push('"year" must be a whole number.');
  if (!Array.isArray(o.holidays)) problems.push('"holidays" must be a list of {name, from, to}.');
  if (o.adjustedWorkdays !== undefined && !Array.isArray(o.adjustedWorkdays))
    problems.push('"adjustedWorkdays" must be a list of {date, name}.');
  if (problems.length) return { problems };
  return {
    notice: {
      year: o.year!,
      holidays: o.holidays!.map((h) => ({
        name: String(h.name ?? ''),
        from: String(h.from ?? ''),
        to: String(h.to ?? h.from ?? ''),
      })),
      adjustedWorkdays: (o.adjustedWorkdays ?? []).map((a) => ({ date: String(a.date ?? ''), name: a.name ?? null })),
    },
  };
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
