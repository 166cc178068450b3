import { EVENT_TYPES, type Consumer, type SubgraphRuntime } from '@onestop/common';
import type { Permit } from './permit-issue.entity.js';

/** The durable consumer that records the permits issued, for the hourly throughput. */
export const PERMIT_ISSUE_CONSUMER = 'counter-scheduling.permits-issued';

const PERMIT_OF: Readonly<Record<string, Permit>> = {
  [EVENT_TYPES.workPermitIssued]: 'WORK_PERMIT',
  [EVENT_TYPES.residencePermitIssued]: 'RESIDENCE_PERMIT',
};

/**
 * Records each permit issued in `cs.permit_issue`. A consumer of its own (not the SLA one):
 * a new consumer starts at the beginning of the log, so a deployment that adds it counts the
 * permits issued before it existed too. The primary key (case, permit) makes it idempotent.
 */
export function startPermitIssueConsumer(rt: SubgraphRuntime): Consumer {
  return rt.events.consume(PERMIT_ISSUE_CONSUMER, { types: Object.keys(PERMIT_OF), batchSize: 200 }, async (e, tx) => {
    const p = e.payload as { caseId?: unknown; decidedAt?: unknown };
    const caseId = typeof p.caseId === 'string' && p.caseId ? p.caseId : e.aggregateId;
    const decided = typeof p.decidedAt === 'string' ? new Date(p.decidedAt) : null;
    const issuedAt = decided && !Number.isNaN(decided.getTime()) ? decided : e.occurredAt;
    await tx.query(
      `INSERT INTO cs.permit_issue (case_id, permit, issued_at, event_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (case_id, permit) DO NOTHING`,
      [caseId, PERMIT_OF[e.type], issuedAt, e.id],
    );
  });
}
