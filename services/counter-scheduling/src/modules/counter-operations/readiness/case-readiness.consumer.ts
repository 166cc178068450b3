import type { EntityManager } from 'typeorm';
import type { Consumer, EventStore } from '@onestop/common';
import { EVENT_TYPES, EventHandlers, type DecodedPayload, type TypedEvent } from '@onestop/common/contract';
import type { ChecklistState, InterviewState } from './case-readiness.entity.js';

/** The events the projection is built from. */
export const READINESS_EVENT_TYPES = [
  EVENT_TYPES.caseSubmitted,
  EVENT_TYPES.caseResubmitted,
  EVENT_TYPES.casePreExamPassed,
  EVENT_TYPES.caseWithdrawn,
  EVENT_TYPES.workPermitMaterialsChanged,
  EVENT_TYPES.residencePermitCreated,
  EVENT_TYPES.residenceMaterialsChanged,
  EVENT_TYPES.interviewRequirementChanged,
  EVENT_TYPES.caseReadyForClaim,
] as const;
type ReadinessEvent = TypedEvent<(typeof READINESS_EVENT_TYPES)[number]>;

/**
 * What a withdrawal changes beyond the projection (the queue, the appointments): a port the
 * wiring fills with the withdrawal area's service, so this area imports none of the areas that
 * read the projection. Runs in the consumer's transaction, holding the case's row; false when
 * the withdrawal does not count (the documents were accepted: decision 0006).
 */
export interface WithdrawalReaction {
  withdraw(tx: EntityManager, caseId: string, e: TypedEvent<typeof EVENT_TYPES.caseWithdrawn>): Promise<boolean>;
}

/**
 * The durable consumer that keeps `cs.case_readiness` (decision 0003): category, pre-exam
 * passed, both materials checklists, the interview requirement, ready for claim, withdrawn.
 * A withdrawn case's waiting ticket leaves the queue and its active appointment is cancelled,
 * freeing its place.
 */
export function startCaseReadinessConsumer(
  events: Pick<EventStore, 'consume'>,
  withdrawal: WithdrawalReaction,
): Consumer {
  return events.consume(
    'counter-scheduling.case-readiness',
    { batchSize: 50 },
    new EventHandlers().on(READINESS_EVENT_TYPES, (e, tx) => applyReadinessEvent(e, tx, withdrawal)),
  );
}

/** Applies one event to the projection, inside the consumer's transaction. */
export async function applyReadinessEvent(
  e: ReadinessEvent,
  tx: EntityManager,
  withdrawal: WithdrawalReaction,
): Promise<void> {
  const caseId = e.payload.caseId || e.aggregateId;
  await tx.query(
    `INSERT INTO cs.case_readiness (case_id, employer_id, pre_exam_passed, ready_for_claim, withdrawn, last_event_id, updated_at)
     VALUES ($1, $2, false, false, false, $3, $4) ON CONFLICT (case_id) DO NOTHING`,
    [caseId, e.employerId, e.id, e.occurredAt],
  );
  const set = async (assignments: string, values: unknown[]): Promise<void> => {
    await tx.query(
      `UPDATE cs.case_readiness SET ${assignments}, last_event_id = $2, updated_at = $3 WHERE case_id = $1`,
      [caseId, e.id, e.occurredAt, ...values],
    );
  };
  switch (e.type) {
    case EVENT_TYPES.caseSubmitted:
    case EVENT_TYPES.caseResubmitted: {
      const s = e.payload;
      await set(
        `reference = coalesce($4, reference), employer_id = coalesce($5, employer_id), agency_id = coalesce($6, agency_id), category = coalesce($7, category)`,
        [s.reference, s.employerId, s.agencyId, s.category],
      );
      return;
    }
    case EVENT_TYPES.casePreExamPassed: {
      await set(`pre_exam_passed = true, category = coalesce($4, category), employer_id = coalesce(employer_id, $5)`, [
        e.payload.category,
        e.employerId,
      ]);
      return;
    }
    case EVENT_TYPES.caseWithdrawn: {
      // Both commands take the case's gate (decision 0006), so a withdrawal can no longer follow
      // an acceptance; one recorded before the gate existed changes nothing here: the passport
      // is held and the issuance clock runs (the withdrawal's command checks).
      if (await withdrawal.withdraw(tx, caseId, e)) await set(`withdrawn = true`, []);
      return;
    }
    case EVENT_TYPES.workPermitMaterialsChanged:
      await set(`wp_materials = $4`, [JSON.stringify(checklist(e.payload))]);
      return;
    case EVENT_TYPES.residenceMaterialsChanged:
      await set(`rp_materials = $4`, [JSON.stringify(checklist(e.payload))]);
      return;
    case EVENT_TYPES.residencePermitCreated: {
      // Only fills what is not known yet: a later *-changed event is newer than the creation.
      await set(`rp_materials = coalesce(rp_materials, $4), interview = coalesce(interview, $5)`, [
        JSON.stringify(checklist(e.payload.materials)),
        JSON.stringify(interview(e.payload.interview)),
      ]);
      return;
    }
    case EVENT_TYPES.interviewRequirementChanged:
      await set(`interview = $4`, [JSON.stringify(interview(e.payload))]);
      return;
    case EVENT_TYPES.caseReadyForClaim:
      await set(`ready_for_claim = true`, []);
      return;
  }
}

function checklist(p: DecodedPayload<'residence-permit.created'>['materials']): ChecklistState {
  return { complete: p.complete && p.missing.length === 0, missing: p.missing };
}

function interview(p: DecodedPayload<'residence-permit.created'>['interview']): InterviewState {
  return { required: p.required, satisfied: p.satisfied, scheduled: p.scheduled, reason: p.reason };
}
