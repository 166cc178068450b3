/**
 * Passport custody (docs/decisions/0004): the passport is held from acceptance until the
 * claim, and the receipt of acceptance is the applicant's proof of legal residence meanwhile.
 */
import { addCalendarDays, shanghaiDate, shanghaiDayStart, type WorkingDayCalendar } from '@onestop/common';

/** The longest receipt number we look up; anything longer cannot be one (RA-<year>-<6 digits>). */
export const MAX_RECEIPT_NUMBER_LENGTH = 40;

/** The largest N `passportHeldLongerThanWorkingDays` accepts (years of working days would be a data problem). */
export const MAX_HELD_WORKING_DAYS = 250;

/**
 * The instant before which a passport must have been taken into custody to have been held
 * for more than `n` working days by `now`, in the sense of
 * `calendar.workingDaysBetween(heldSince, now) > n` (working days after the day it was taken,
 * up to and including today). Lets a list filter with one indexed comparison,
 * `held_since < cutoff`, instead of a calendar computation per row.
 */
export function heldLongerThanCutoff(calendar: WorkingDayCalendar, now: Date, n: number): Date {
  // The (n+1)th working day counting back from today (today included) is the earliest day D
  // with n+1 working days in [D, today]; held on any day before D means more than n.
  let day = shanghaiDate(now);
  let found = 0;
  for (let guard = 0; guard < 10 * (n + 1) + 400; guard++) {
    if (calendar.isWorkingDay(day)) {
      found++;
      if (found === n + 1) return shanghaiDayStart(day);
    }
    day = addCalendarDays(day, -1);
  }
  return shanghaiDayStart(day);
}

/** What the public receipt look-up reveals: whether it is valid now, and the day it was issued. Nothing else. */
export interface ReceiptCheck {
  valid: boolean;
  issuedOn: string | null;
}

/**
 * A receipt is valid while the passport is held against it. Once the passport is released
 * (at the claim) it proves nothing any more, so it reads exactly like an unknown number.
 */
export function receiptCheck(custody: { heldSince: Date | null; releasedAt: Date | null } | null): ReceiptCheck {
  if (!custody || !custody.heldSince || custody.releasedAt) return { valid: false, issuedOn: null };
  return { valid: true, issuedOn: shanghaiDate(custody.heldSince) };
}
