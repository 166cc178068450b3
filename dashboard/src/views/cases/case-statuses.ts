import type { CaseStatus } from '../../generated/graphql';

/** Every case status, in lifecycle order (the filters' order, and the codes a timeline note may name). */
export const CASE_STATUSES: readonly CaseStatus[] = [
  'SUBMITTED',
  'RETURNED',
  'PRE_EXAM_PASSED',
  'APPOINTMENT_BOOKED',
  'CHECKED_IN',
  'ACCEPTED',
  'READY_FOR_CLAIM',
  'CLAIMED',
  'WITHDRAWN',
];
