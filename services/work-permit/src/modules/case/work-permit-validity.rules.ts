import type { Category } from '@onestop/common/contract';
import { lastDayOfYears, minDate } from '../../shared/dates.js';

/** Longest validity of a work permit by talent category: A up to 5 years, B up to 2, C 1 year. */
export const MAX_VALIDITY_YEARS: Readonly<Record<Category, number>> = { A: 5, B: 2, C: 1 };

/** The latest day a permit issued on `validFrom` may run to, and what limits it. */
export function maxValidUntil(
  category: Category,
  validFrom: string,
  contractEndsOn: string,
  passportExpiresOn: string,
): { until: string; limitedBy: 'CATEGORY' | 'CONTRACT' | 'PASSPORT' } {
  const byCategory = lastDayOfYears(validFrom, MAX_VALIDITY_YEARS[category]);
  const until = minDate(byCategory, contractEndsOn, passportExpiresOn);
  const limitedBy = until === byCategory ? 'CATEGORY' : until === contractEndsOn ? 'CONTRACT' : 'PASSPORT';
  return { until, limitedBy };
}
