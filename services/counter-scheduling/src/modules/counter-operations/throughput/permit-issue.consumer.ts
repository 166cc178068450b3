import type { Consumer, EventStore } from '@onestop/common';
import { EVENT_TYPES, EventHandlers } from '@onestop/common/contract';
import type { Permit } from './permit-issue.entity.js';

/** The durable consumer that records the permits issued, for the hourly throughput. */
export const PERMIT_ISSUE_CONSUMER = 'counter-scheduling.permits-issued';

const PERMIT_OF = {
  [EVENT_TYPES.workPermitIssued]: 'WORK_PERMIT',
  [EVENT_TYPES.residencePermitIssued]: 'RESIDENCE_PERMIT',
} as const satisfies Record<string, Permit>;

/**
 * Records each permit issued in `cs.permit_issue`. A consumer of its own (not the SLA one):
 * a new consumer starts at the beginning of the log, so a deployment that adds it counts the
 * permits issued before it existed too. The primary key (case, permit) makes it idempotent.
 */
export function startPermitIssueConsumer(events: Pick<EventStore, 'consume'>): Consumer {
  const handlers = new EventHandlers().on(
    [EVENT_TYPES.workPermitIssued, EVENT_TYPES.residencePermitIssued],
    async (e, tx) => {
      await tx.query(
        `INSERT INTO cs.permit_issue (case_id, permit, issued_at, event_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (case_id, permit) DO NOTHING`,
        [e.payload.caseId || e.aggregateId, PERMIT_OF[e.type], e.payload.decidedAt, e.id],
      );
    },
  );
  return events.consume(PERMIT_ISSUE_CONSUMER, { batchSize: 200 }, handlers);
}
