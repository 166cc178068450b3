import { CATEGORIES } from '@onestop/common/contract';

/** What is wrong with a subscription's `since` (an event id received), if anything. */
export function sinceProblems(since: string | null | undefined): string[] {
  if (since === undefined || since === null || /^(0|[1-9][0-9]{0,18})$/.test(since)) return [];
  return [`since: must be an event id (the eventId of an event received), got ${JSON.stringify(since)}`];
}

/** What is wrong with a category filter of the SLA reads, if anything. */
export function categoryProblems(category: string | null | undefined): string[] {
  if (category === undefined || category === null || (CATEGORIES as readonly string[]).includes(category)) return [];
  return [`category: must be one of ${CATEGORIES.join(', ')}, got ${JSON.stringify(category)}`];
}
