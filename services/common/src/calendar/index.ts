/** Working-day calendar (State Council holidays, adjusted working days, closures) and Shanghai dates. */
export {
  SHANGHAI_TIME_ZONE,
  addCalendarDays,
  parseIsoDate,
  shanghaiDate,
  shanghaiDayEnd,
  shanghaiDayStart,
  weekday,
} from './shanghai-time.js';
export type { IsoDateParts } from './shanghai-time.js';
export { WorkingDayCalendar } from './working-day-calendar.js';
export type { CalendarData, CalendarEntry, DayInfo, DayKind } from './working-day-calendar.js';
export { HolidayNoticeError, noticeToEntries, parseHolidayNotice } from './holiday-notice.js';
export type { HolidayNotice } from './holiday-notice.js';
export { BUNDLED_OFFICIAL_YEARS } from './official-data.js';
export { CalendarStore, saveHolidayNotice, saveClosure } from './calendar-store.js';
