import type { InterviewRequirementPayload } from '@onestop/common/contract';
import type { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import { interviewRule, type InterviewOutcome } from './interview-rule.js';

/** The interview rule applied to what a permit row records. */
export function interviewOutcomeOf(p: ResidencePermitEntity): InterviewOutcome {
  return interviewRule({
    dateOfBirth: p.applicantDateOfBirth,
    filedOn: p.filedOn,
    route: p.route,
    claimedGrounds: p.claimedGrounds,
    demanded: p.demandedAt !== null,
    faceToFaceCompleted: p.interviewCompleted,
    faceToFaceScheduled: p.interviewScheduled,
  });
}

/** The `residence-permit.interview-requirement-changed` payload for an outcome. */
export function interviewPayload(caseId: string, o: InterviewOutcome): InterviewRequirementPayload {
  return {
    caseId,
    required: o.required,
    satisfied: o.satisfied,
    scheduled: o.scheduled,
    reason: o.reason,
    completed: o.completed,
    exemptions: [...o.exemptions],
  };
}

/**
 * Re-applies the rule after the permit's facts changed: stores the new outcome on the row
 * (the list filters read it) and returns the payload of `interview-requirement-changed` when
 * the outcome differs from the one stored, or null when it does not.
 */
export function refreshInterview(
  p: ResidencePermitEntity,
  previous: InterviewOutcome,
): InterviewRequirementPayload | null {
  const next = interviewOutcomeOf(p);
  p.interviewRequired = next.required;
  p.interviewReason = next.reason;
  const changed =
    next.required !== previous.required ||
    next.satisfied !== previous.satisfied ||
    next.scheduled !== previous.scheduled ||
    next.completed !== previous.completed ||
    next.reason !== previous.reason;
  return changed ? interviewPayload(p.caseId, next) : null;
}
