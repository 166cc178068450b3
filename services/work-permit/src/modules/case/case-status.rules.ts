import { InvalidTransitionError } from '@onestop/common';
import { WITHDRAWABLE, type CaseStatus } from '@onestop/common/contract';

/**
 * The lifecycle (DOMAIN.md: the case) as the moves work-permit makes, on its own commands
 * and on the other subgraphs' events. A move not listed is refused and changes nothing.
 */
export const STATUS_MOVES = {
  passPreExamination: { from: ['SUBMITTED'], to: 'PRE_EXAM_PASSED' },
  returnForCorrection: { from: ['SUBMITTED'], to: 'RETURNED' },
  resubmit: { from: ['RETURNED'], to: 'SUBMITTED' },
  withdraw: { from: [...WITHDRAWABLE], to: 'WITHDRAWN' },
  bookAppointment: { from: ['PRE_EXAM_PASSED'], to: 'APPOINTMENT_BOOKED' },
  // A cancelled or missed appointment puts the case back where a new one can be booked.
  cancelAppointment: { from: ['APPOINTMENT_BOOKED'], to: 'PRE_EXAM_PASSED' },
  // Category A walks in without an appointment; B/C are turned away at the counter without one.
  checkIn: { from: ['PRE_EXAM_PASSED', 'APPOINTMENT_BOOKED'], to: 'CHECKED_IN' },
  // Left the queue unserved (still waiting at closing, or called and never came): the applicant
  // checks in again (B/C with a new appointment), so the case goes back to where that is possible.
  leftQueue: { from: ['CHECKED_IN'], to: 'PRE_EXAM_PASSED' },
  acceptDocuments: { from: ['CHECKED_IN'], to: 'ACCEPTED' },
  readyForClaim: { from: ['ACCEPTED'], to: 'READY_FOR_CLAIM' },
  claim: { from: ['READY_FOR_CLAIM'], to: 'CLAIMED' },
} as const satisfies Record<string, { from: readonly CaseStatus[]; to: CaseStatus }>;

export type StatusMove = keyof typeof STATUS_MOVES;

/** True when `move` may be made from `status`. */
export function canMove(status: CaseStatus, move: StatusMove): boolean {
  return (STATUS_MOVES[move].from as readonly CaseStatus[]).includes(status);
}

/** Throws INVALID_TRANSITION (naming the case, its status and what the step needs) unless `move` is allowed. */
export function assertMove(status: CaseStatus, move: StatusMove, what: string, reference: string): CaseStatus {
  if (canMove(status, move)) return STATUS_MOVES[move].to;
  const from = STATUS_MOVES[move].from as readonly CaseStatus[];
  throw new InvalidTransitionError(`Case ${reference} is ${status}; ${what} needs it to be ${from.join(' or ')}.`, {
    status,
    allowedFrom: [...from],
  });
}
