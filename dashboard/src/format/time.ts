import type { Lang } from '../i18n/dictionary';

/** Every date and time the dashboard shows is Beijing time, whatever the browser's zone. */
export const TIME_ZONE = 'Asia/Shanghai';

const LOCALES: Record<Lang, string> = { en: 'en-GB', zh: 'zh-CN' };
const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: Lang, kind: 'dateTime' | 'time' | 'date' | 'month' | 'hour' | 'weekday'): Intl.DateTimeFormat {
  const key = `${lang}:${kind}`;
  let f = cache.get(key);
  if (!f) {
    const base: Intl.DateTimeFormatOptions = { timeZone: TIME_ZONE };
    const options: Record<typeof kind, Intl.DateTimeFormatOptions> = {
      dateTime: {
        ...base,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      },
      time: { ...base, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
      date: { ...base, year: 'numeric', month: 'short', day: 'numeric', weekday: 'short' },
      month: { ...base, year: 'numeric', month: 'long' },
      hour: { ...base, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      weekday: { timeZone: 'UTC', weekday: 'short' },
    };
    f = new Intl.DateTimeFormat(LOCALES[lang], options[kind]);
    cache.set(key, f);
  }
  return f;
}

function toDate(value: string | number | Date): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** 2026-02-14 09:30 style, Beijing time. */
export function formatDateTime(value: string | number | Date | null | undefined, lang: Lang): string {
  const d = value == null ? null : toDate(value);
  return d ? formatter(lang, 'dateTime').format(d) : '—';
}

/** 09:30:05, Beijing time. */
export function formatTime(value: string | number | Date | null | undefined, lang: Lang): string {
  const d = value == null ? null : toDate(value);
  return d ? formatter(lang, 'time').format(d) : '—';
}

/** 09:30, Beijing time (chart axes). */
export function formatHour(value: string | number | Date, lang: Lang): string {
  const d = toDate(value);
  return d ? formatter(lang, 'hour').format(d) : '';
}

/** A calendar date (YYYY-MM-DD, already a Beijing date) with its weekday. */
export function formatDay(isoDate: string, lang: Lang): string {
  // Noon UTC of that date is the same date in Beijing (UTC+8), so the weekday is right.
  const d = toDate(`${isoDate}T04:00:00Z`);
  return d ? formatter(lang, 'date').format(d) : isoDate;
}

/** "February 2026" / "2026年2月". */
export function formatMonth(year: number, month: number, lang: Lang): string {
  return formatter(lang, 'month').format(new Date(Date.UTC(year, month - 1, 15, 4)));
}

/** Short weekday names, Monday first. */
export function weekdayNames(lang: Lang): string[] {
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, i) => formatter(lang, 'weekday').format(new Date(Date.UTC(2024, 0, 1 + i))));
}

/** Today's date in Beijing as YYYY-MM-DD. */
export function beijingDate(value: string | number | Date = Date.now()): string {
  const d = toDate(value) ?? new Date();
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
  return parts;
}

/** "12 min" / "1 h 05 min" from seconds. */
export function formatDuration(seconds: number | null | undefined, lang: Lang): string {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  const m = Math.round(seconds / 60);
  if (m < 60) return lang === 'zh' ? `${m} 分钟` : `${m} min`;
  const h = Math.floor(m / 60);
  const rest = String(m % 60).padStart(2, '0');
  return lang === 'zh' ? `${h} 小时 ${rest} 分` : `${h} h ${rest} min`;
}
