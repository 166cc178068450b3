import type { WorkingDayCalendar } from '../calendar/index.js';
import type { Category } from './case-lifecycle.js';

/**
 * Regulatory targets (seed §4b, §4c): not configuration. Pre-examination takes one working
 * day for Category A and three for B/C; issuance five working days from acceptance.
 */
export const PRE_EXAM_WORKING_DAYS: Readonly<Record<Category, number>> = { A: 1, B: 3, C: 3 };
export const ISSUANCE_WORKING_DAYS = 5;

/** The thresholds a MANAGER may change (DOMAIN.md: (cfg) rows), with their defaults. */
export interface SlaThresholds {
  counterWaitMinutes: number;
  passportCustodyWorkingDays: number;
  /** Warnings before the breach, as percentages of the allowed time, ascending. */
  warningPercents: number[];
}

export const DEFAULT_SLA_THRESHOLDS: Readonly<SlaThresholds> = Object.freeze({
  counterWaitMinutes: 30,
  passportCustodyWorkingDays: 10,
  warningPercents: [50, 75],
});

/** A computed deadline. `provisional` when it depends on a year without official calendar data. */
export interface Deadline {
  due: Date;
  provisional: boolean;
}

/** Pre-examination due time for a (re)submission at `submittedAt`. */
export function preExamDue(calendar: WorkingDayCalendar, submittedAt: Date, category: Category): Deadline {
  return calendar.addWorkingDays(submittedAt, PRE_EXAM_WORKING_DAYS[category]);
}

/** Issuance due time for documents accepted at `acceptedAt`. */
export function issuanceDue(calendar: WorkingDayCalendar, acceptedAt: Date): Deadline {
  return calendar.addWorkingDays(acceptedAt, ISSUANCE_WORKING_DAYS);
}
