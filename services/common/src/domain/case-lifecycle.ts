/**
 * The shared vocabulary of a case (DOMAIN.md: the case). Every subgraph uses these names;
 * work-permit owns `Case.status` and moves it on its own commands and on the events of the
 * other two subgraphs (docs/decisions/0003-case-status-owner.md).
 */

/** Service scope (seed §3). */
export const ROUTES = ['NOTIFICATION_LETTER', 'IN_MAINLAND', 'RENEWAL'] as const;
export type Route = (typeof ROUTES)[number];

/** Basis of an IN_MAINLAND application (seed §3(2)). */
export const IN_MAINLAND_BASES = ['CATEGORY_A_ANY_VALID_VISA', 'REUNION', 'TRANSFER', 'OTHER'] as const;
export type InMainlandBasis = (typeof IN_MAINLAND_BASES)[number];

/** Talent category: A high-end, B professional, C other. */
export const CATEGORIES = ['A', 'B', 'C'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * The case lifecycle. `RETURNED` stops the pre-examination clock until resubmission;
 * `WITHDRAWN` only before acceptance; `READY_FOR_CLAIM` when both permits are decided.
 */
export const CASE_STATUSES = [
  'SUBMITTED',
  'RETURNED',
  'PRE_EXAM_PASSED',
  'APPOINTMENT_BOOKED',
  'CHECKED_IN',
  'ACCEPTED',
  'READY_FOR_CLAIM',
  'CLAIMED',
  'WITHDRAWN',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which the agency may still withdraw (before acceptance). */
export const WITHDRAWABLE: ReadonlySet<CaseStatus> = new Set([
  'SUBMITTED',
  'RETURNED',
  'PRE_EXAM_PASSED',
  'APPOINTMENT_BOOKED',
  'CHECKED_IN',
]);

/** A permit decision, the same shape for both permits. */
export const PERMIT_DECISION_STATUSES = ['PENDING', 'ISSUED', 'REFUSED'] as const;
export type PermitDecisionStatus = (typeof PERMIT_DECISION_STATUSES)[number];

/** Reference format: OS-<year>-<6 digits>, assigned without gaps per year. */
export function formatCaseReference(year: number, seq: number): string {
  return `OS-${year}-${String(seq).padStart(6, '0')}`;
}
