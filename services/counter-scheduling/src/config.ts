import { EnvReader, oncePerRuntime } from '@onestop/common';
import { readSlaCalendarConfig, type SlaCalendarConfig } from './modules/sla-calendar/index.js';

/** counter-scheduling's own settings (the shared ones come from loadCommonConfig). */
export interface CounterSchedulingConfig {
  /**
   * How many days ahead an appointment may be booked: slots up to today (Asia/Shanghai) plus
   * this many days are offered and bookable, later ones never. Bounds what a client can
   * reserve (a place in the year 3000 is not an appointment) and what a slot query reads.
   */
  bookingHorizonDays: number;
  /** The SLA/calendar module's section (the sweeper's pace and batch). */
  slaCalendar: SlaCalendarConfig;
}

/** The default booking horizon: about two months. */
export const DEFAULT_BOOKING_HORIZON_DAYS = 60;

/** Reads and validates counter-scheduling's settings; a bad value stops the start-up with one line. */
export function loadCounterSchedulingConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): CounterSchedulingConfig {
  const r = new EnvReader(env);
  return {
    bookingHorizonDays: r.int('BOOKING_HORIZON_DAYS', DEFAULT_BOOKING_HORIZON_DAYS, 1, 366),
    slaCalendar: readSlaCalendarConfig(r),
  };
}

/**
 * The settings of this process, read once (at start: `start()` builds the services, which read
 * them, so a bad value stops the start-up). The wiring takes them from here.
 */
export const configOf = oncePerRuntime((): CounterSchedulingConfig => loadCounterSchedulingConfig());
