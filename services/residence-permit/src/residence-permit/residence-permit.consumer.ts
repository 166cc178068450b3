import { EVENT_TYPES, type Consumer, type SubgraphRuntime } from '@onestop/common';
import { CustodyService } from '../custody/custody.service.js';
import { ResidencePermitService } from './residence-permit.service.js';

/** The durable consumer's name: its position in the event log is stored under it. */
export const CASE_EVENTS_CONSUMER = 'residence-permit.case-events';

/**
 * Reacts to the other subgraphs' facts about a case: the filing creates the permit,
 * acceptance holds the passport and starts the review, the claim releases the passport, a
 * withdrawal ends the application. The handlers lock a permit row and append events; the
 * consumer commits after each handler that appended, so a batch never holds the log's append
 * lock while waiting for a row (docs/event-log.md, trade-offs).
 */
export function caseEventsConsumer(runtime: SubgraphRuntime): Consumer {
  const permits = new ResidencePermitService(runtime);
  const custody = new CustodyService(runtime);
  return runtime.events.consume(
    CASE_EVENTS_CONSUMER,
    {
      types: [
        EVENT_TYPES.caseSubmitted,
        EVENT_TYPES.caseResubmitted,
        EVENT_TYPES.caseWithdrawn,
        EVENT_TYPES.documentsAccepted,
        EVENT_TYPES.claimRecorded,
      ],
    },
    async (event, tx) => {
      switch (event.type) {
        case EVENT_TYPES.caseSubmitted:
          return permits.createFromSubmission(event, tx);
        case EVENT_TYPES.caseResubmitted:
          return permits.applyResubmission(event, tx);
        case EVENT_TYPES.caseWithdrawn:
          return permits.withdraw(event, tx);
        case EVENT_TYPES.documentsAccepted:
          return custody.holdPassport(event, tx);
        case EVENT_TYPES.claimRecorded:
          return custody.releasePassport(event, tx);
      }
    },
  );
}
