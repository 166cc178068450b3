import { formatHour } from '../../format/time';
import type { Lang } from '../../i18n/dictionary';

const HOUR_MS = 3_600_000;

/** The instant a Beijing date's HH:MM falls on (Asia/Shanghai has no daylight saving: UTC+8 all year). */
export function beijingInstant(date: string, hhmm: string): number {
  return Date.parse(`${date}T${hhmm}:00+08:00`);
}

/**
 * A chart's time axis for a day: the opening hours (the earliest opening to the latest
 * closing, whole hours) rather than the whole day, with a tick on every hour. On a day
 * without hours it falls back to 08:00–18:00, the city's usual range.
 */
export function openingHoursAxis(
  date: string,
  hours: readonly { opens: string; closes: string }[],
): { domain: [number, number]; ticks: number[] } {
  const opens = hours.length ? hours.map((h) => h.opens).sort()[0]! : '08:00';
  const closes = hours.length
    ? hours
        .map((h) => h.closes)
        .sort()
        .reverse()[0]!
    : '18:00';
  const start = Math.floor(beijingInstant(date, opens) / HOUR_MS) * HOUR_MS;
  const end = Math.ceil(beijingInstant(date, closes) / HOUR_MS) * HOUR_MS;
  const ticks: number[] = [];
  for (let t = start; t <= end; t += HOUR_MS) ticks.push(t);
  return { domain: [start, end], ticks };
}

/** The union of the counters' weekly hours on a date's weekday, as one range (city charts). */
export function cityHours(
  date: string,
  counters: readonly { openingHours?: readonly { weekday: number; opens: string; closes: string }[] | null }[],
): { opens: string; closes: string }[] {
  const weekday = new Date(`${date}T12:00:00+08:00`).getUTCDay();
  const today = counters.flatMap((c) => (c.openingHours ?? []).filter((h) => h.weekday === weekday));
  if (!today.length) return [];
  return [
    {
      opens: today.map((h) => h.opens).sort()[0]!,
      closes: today
        .map((h) => h.closes)
        .sort()
        .reverse()[0]!,
    },
  ];
}

/** The same weekday one week earlier (YYYY-MM-DD). */
export function sameWeekdayLastWeek(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 7);
  return d.toISOString().slice(0, 10);
}

/**
 * The props of a time X axis (recharts `XAxis`) over `axis` (or the data's range): hour ticks in
 * Beijing time and the axis title. Shared by every chart of the console and the counter page.
 */
export function timeAxisProps(axis: { domain: [number, number]; ticks: number[] } | null, title: string, lang: Lang) {
  return {
    dataKey: 'at',
    type: 'number' as const,
    scale: 'time' as const,
    domain: axis?.domain ?? (['dataMin', 'dataMax'] as [string, string]),
    ticks: axis?.ticks,
    tickFormatter: (v: number) => formatHour(v, lang),
    label: { value: title, position: 'insideBottom' as const, offset: -4 },
    height: 36,
  };
}

/** A value axis's title, written along the axis. */
export function valueAxisTitle(title: string) {
  return { value: title, angle: -90, position: 'insideLeft' as const, offset: 8 };
}

/** "10:00–11:00": the hour a bar centred on its half hour counts. */
export function hourRange(centre: number, lang: Lang): string {
  return `${formatHour(centre - HOUR_MS / 2, lang)}–${formatHour(centre + HOUR_MS / 2, lang)}`;
}
