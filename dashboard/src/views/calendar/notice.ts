/** A holiday notice as the API takes it (HolidayNoticeInput). */
export interface HolidayNotice {
  year: number;
  holidays: { name: string; from: string; to: string }[];
  adjustedWorkdays: { date: string; name?: string | null }[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

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
    if (!m || !DATE.test(m[1]!) || (m[2] && !DATE.test(m[2]))) {
      problems.push(`Holidays line ${i + 1} ("${line}") must be "YYYY-MM-DD[..YYYY-MM-DD] name".`);
      return;
    }
    holidays.push({ from: m[1]!, to: m[2] ?? m[1]!, name: m[3]!.trim() });
  });
  const adjustedWorkdays: HolidayNotice['adjustedWorkdays'] = [];
  lines(workdaysText).forEach((line, i) => {
    const m = /^(\S+)(?:\s+(.+))?$/.exec(line);
    if (!m || !DATE.test(m[1]!)) {
      problems.push(`Adjusted working days line ${i + 1} ("${line}") must be "YYYY-MM-DD [name]".`);
      return;
    }
    adjustedWorkdays.push({ date: m[1]!, name: m[2]?.trim() ?? null });
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
