import { ConflictError } from '@onestop/common';
import type { VerificationEntity, VerificationKind, VerificationOutcome } from './verification.entity.js';

const MAX_AHEAD_MS = 180 * 86_400_000;

/** What a scheduling request asks for: what a replay with the same idempotency key must repeat exactly. */
export interface VerificationRequest {
  caseId: string;
  kind: VerificationKind;
  scheduledAt: Date;
  location: string | null;
}

/** What a verification row recorded of the request that scheduled it. */
export type ScheduledRequest = Pick<VerificationEntity, 'caseId' | 'kind' | 'scheduledAt' | 'location'>;

/** The problems with when a verification is scheduled: in the future, at most 180 days ahead. */
export function timingProblems(at: Date, now: Date): string[] {
  if (Number.isNaN(at.getTime())) return [];
  if (at <= now) return [`scheduledAt must be in the future (now is ${now.toISOString()})`];
  if (at.getTime() - now.getTime() > MAX_AHEAD_MS) return ['scheduledAt must be at most 180 days ahead'];
  return [];
}

/**
 * What differs between the verification scheduled with a key and a new request with the same
 * key, one line per field ("kind: TELEPHONE_INTERVIEW before, ON_SITE_INVESTIGATION now").
 */
export function requestDifferences(earlier: ScheduledRequest, req: VerificationRequest): string[] {
  const out: string[] = [];
  if (earlier.caseId !== req.caseId) out.push(`caseId: ${earlier.caseId} before, ${req.caseId} now`);
  if (earlier.kind !== req.kind) out.push(`kind: ${earlier.kind} before, ${req.kind} now`);
  if (earlier.scheduledAt.getTime() !== req.scheduledAt.getTime())
    out.push(`scheduledAt: ${earlier.scheduledAt.toISOString()} before, ${req.scheduledAt.toISOString()} now`);
  if ((earlier.location ?? null) !== req.location)
    out.push(`location: ${JSON.stringify(earlier.location)} before, ${JSON.stringify(req.location)} now`);
  return out;
}

/**
 * The CONFLICT for an idempotency key already used for `earlier` with a different request,
 * naming every difference (the ledger found that the requests differ).
 */
export function keyUsedForAnotherRequest(
  earlier: ScheduledRequest & Pick<VerificationEntity, 'id'>,
  req: VerificationRequest,
  key: string,
): ConflictError {
  const differences = requestDifferences(earlier, req);
  return new ConflictError(
    `The idempotency key ${JSON.stringify(key)} was already used for verification ${earlier.id} of case ${earlier.caseId}, with a different request (${differences.join('; ')}). Use a new key for a new verification.`,
    { verificationId: earlier.id, differences },
  );
}

/**
 * What a retry with the same idempotency key must repeat exactly, as the ledger stores it
 * (`canonicalRequest` of this): the case, the kind, the instant and the place.
 */
export function scheduledRequest(req: VerificationRequest): VerificationRequest {
  return { caseId: req.caseId, kind: req.kind, scheduledAt: req.scheduledAt, location: req.location };
}

/** An outcome request as the service stores it: notes trimmed, absent or blank as null. */
export interface OutcomeRequest {
  outcome: VerificationOutcome;
  notes: string | null;
}

/**
 * What differs between the outcome recorded on a verification and a new request to record one.
 * Empty: the request is a retry of the recording. The notes are working papers, so a difference
 * is named without quoting them.
 */
export function outcomeDifferences(
  recorded: Pick<VerificationEntity, 'outcome' | 'notes'>,
  req: OutcomeRequest,
): string[] {
  const out: string[] = [];
  if (recorded.outcome !== req.outcome)
    out.push(`outcome: ${recorded.outcome ?? 'none'} recorded, ${req.outcome} requested`);
  const before = recorded.notes ?? null;
  if (before !== req.notes) {
    if (before === null) out.push('notes: none recorded, this request has notes');
    else if (req.notes === null) out.push('notes: recorded, this request has none');
    else out.push('notes: differ from the notes recorded');
  }
  return out;
}
