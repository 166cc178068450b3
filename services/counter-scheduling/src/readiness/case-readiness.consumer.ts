import type { EntityManager } from 'typeorm';
import {
  EVENT_TYPES,
  type CasePreExamPassedPayload,
  type CaseSubmittedPayload,
  type Consumer,
  type DomainEvent,
  type EventStore,
  type InterviewRequirementPayload,
  type Logger,
  type MaterialsChangedPayload,
  type ResidencePermitCreatedPayload,
  type SubgraphRuntime,
} from '@onestop/common';
import { acceptedReceipt } from '../acceptance/acceptance.service.js';
import type { AppointmentService } from '../appointment/appointment.service.js';
import type { QueueService } from '../queue/queue.service.js';
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

/** What a withdrawal changes beyond the projection: the queue and the appointments. */
export interface WithdrawalReactions {
  queue: Pick<QueueService, 'withdrawWaiting'>;
  appointments: Pick<AppointmentService, 'cancelForWithdrawal'>;
  events: Pick<EventStore, 'append'>;
}

/**
 * The durable consumer that keeps `cs.case_readiness` (decision 0003): category, pre-exam
 * passed, both materials checklists, the interview requirement, ready for claim, withdrawn.
 * A withdrawn case's waiting ticket leaves the queue and its active appointment is cancelled,
 * freeing its place.
 */
export function startCaseReadinessConsumer(
  rt: SubgraphRuntime,
  reactions: Omit<WithdrawalReactions, 'events'>,
): Consumer {
  const logger = rt.logger.child({ component: 'case-readiness' });
  const withEvents: WithdrawalReactions = { ...reactions, events: rt.events };
  return rt.events.consume(
    'counter-scheduling.case-readiness',
    { types: [...READINESS_EVENT_TYPES], batchSize: 50 },
    (e, tx) => applyReadinessEvent(e, tx, withEvents, logger),
  );
}

/** Applies one event to the projection, inside the consumer's transaction. */
export async function applyReadinessEvent(
  e: DomainEvent,
  tx: EntityManager,
  reactions: WithdrawalReactions,
  logger: Logger,
): Promise<void> {
  const p = e.payload as Record<string, unknown>;
  const caseId = typeof p.caseId === 'string' && p.caseId ? p.caseId : e.aggregateId;
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
      const s = p as unknown as CaseSubmittedPayload;
      await set(
        `reference = coalesce($4, reference), employer_id = coalesce($5, employer_id), agency_id = coalesce($6, agency_id), category = coalesce($7, category)`,
        [s.reference ?? null, s.employerId ?? e.employerId, s.agencyId ?? null, s.category ?? null],
      );
      return;
    }
    case EVENT_TYPES.casePreExamPassed: {
      const s = p as unknown as CasePreExamPassedPayload;
      await set(`pre_exam_passed = true, category = coalesce($4, category), employer_id = coalesce(employer_id, $5)`, [
        s.category ?? null,
        e.employerId,
      ]);
      return;
    }
    case EVENT_TYPES.caseWithdrawn: {
      // Both commands take the case's gate (decision 0006), so a withdrawal can no longer follow
      // an acceptance; one recorded before the gate existed changes nothing here: the passport
      // is held and the issuance clock runs. The case's row lock first, as every command on the
      // case takes it, so an acceptance that held it has committed when we look.
      await tx.query(`SELECT 1 FROM cs.case_readiness WHERE case_id = $1 FOR UPDATE`, [caseId]);
      const receipt = await acceptedReceipt(tx, caseId);
      if (receipt) {
        logger.warn(
          { eventId: e.id, caseId, receiptNumber: receipt },
          'case.withdrawn for a case whose documents were accepted: ignored',
        );
        return;
      }
      await set(`withdrawn = true`, []);
      // Every row lock before the first append (which holds the log's append lock to commit):
      // case → tickets → appointments → event log, so a window calling this moment never
      // waits for us while we wait for its ticket.
      const leftQueue = await reactions.queue.withdrawWaiting(tx, caseId, e);
      await reactions.appointments.cancelForWithdrawal(tx, caseId, e.occurredAt);
      if (leftQueue.length) await reactions.events.append(tx, leftQueue);
      return;
    }
    case EVENT_TYPES.workPermitMaterialsChanged:
      await set(`wp_materials = $4`, [JSON.stringify(checklist(p as unknown as MaterialsChangedPayload))]);
      return;
    case EVENT_TYPES.residenceMaterialsChanged:
      await set(`rp_materials = $4`, [JSON.stringify(checklist(p as unknown as MaterialsChangedPayload))]);
      return;
    case EVENT_TYPES.residencePermitCreated: {
      const s = p as unknown as ResidencePermitCreatedPayload;
      // Only fills what is not known yet: a later *-changed event is newer than the creation.
      await set(`rp_materials = coalesce(rp_materials, $4), interview = coalesce(interview, $5)`, [
        s.materials ? JSON.stringify(checklist(s.materials)) : null,
        s.interview ? JSON.stringify(interview(s.interview)) : null,
      ]);
      return;
    }
    case EVENT_TYPES.interviewRequirementChanged:
      await set(`interview = $4`, [JSON.stringify(interview(p as unknown as InterviewRequirementPayload))]);
      return;
    case EVENT_TYPES.caseReadyForClaim:
      await set(`ready_for_claim = true`, []);
      return;
  }
}

function checklist(p: Pick<MaterialsChangedPayload, 'complete' | 'missing'>): ChecklistState {
  const missing = Array.isArray(p.missing) ? p.missing.filter((m): m is string => typeof m === 'string') : [];
  return { complete: p.complete === true && missing.length === 0, missing };
}

function interview(p: Omit<InterviewRequirementPayload, 'caseId'>): InterviewState {
  return {
    required: p.required !== false,
    satisfied: p.satisfied === true,
    scheduled: p.scheduled === true,
    reason: String(p.reason ?? ''),
  };
}
