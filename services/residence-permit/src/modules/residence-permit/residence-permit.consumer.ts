import { type Consumer, type SubgraphRuntime } from '@onestop/common';
import { EVENT_TYPES, EventHandlers } from '@onestop/common/contract';
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
    {},
    new EventHandlers()
      .on(EVENT_TYPES.caseSubmitted, (event, tx) => permits.createFromSubmission(event, tx))
      .on(EVENT_TYPES.caseResubmitted, (event, tx) => permits.applyResubmission(event, tx))
      .on(EVENT_TYPES.caseWithdrawn, (event, tx) => permits.withdraw(event, tx))
      .on(EVENT_TYPES.documentsAccepted, (event, tx) => custody.holdPassport(event, tx))
      .on(EVENT_TYPES.claimRecorded, (event, tx) => custody.releasePassport(event, tx)),
  );
}
