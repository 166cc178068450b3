import { addCalendarDays, shanghaiDate, type OneStopClaims } from '@onestop/common';
import { demoAgencyClaims } from '@onestop/common/testing';

/** Claims of the demo agencies, as tokens carry them. */
export const agencyClaims: (i?: 0 | 1) => OneStopClaims = demoAgencyClaims;

let seq = 0;

/** A valid filing for `employerId` on the NOTIFICATION_LETTER route, relative to `now`; override what a test varies. */
export function filingInput(
  employerId: string,
  now: Date,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const today = shanghaiDate(now);
  seq++;
  return {
    idempotencyKey: `spec-${process.pid}-${seq}-${Math.random().toString(36).slice(2, 10)}`,
    employerId,
    route: 'NOTIFICATION_LETTER',
    notificationLetterNumber: `NL-${today.slice(0, 4)}-${String(seq).padStart(5, '0')}`,
    category: 'B',
    applicant: {
      fullName: `Applicant ${seq}`,
      nationality: 'DEU',
      passportNumber: `C${String(10_000_000 + seq)}`,
      dateOfBirth: '1990-04-01',
      sex: 'FEMALE',
      householdRegistration: 'NEVER_REGISTERED',
    },
    attachments: ['Degree certificate', 'Employment contract'],
    contractEndsOn: addCalendarDays(today, 900),
    passportExpiresOn: addCalendarDays(today, 2000),
    ...overrides,
  };
}
