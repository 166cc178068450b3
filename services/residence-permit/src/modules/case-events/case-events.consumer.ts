import type { Consumer, EventStore } from '@onestop/common';
import { EVENT_TYPES, EventHandlers } from '@onestop/common/contract';
import type { CustodyService } from '../custody/custody.service.js';
import { CASE_EVENTS_CONSUMER } from '../residence-permit/permit-command.js';
import type { FilingService } from './filing.service.js';

export { CASE_EVENTS_CONSUMER };

/**
 * Reacts to the other subgraphs' facts about a case: the filing creates the permit,
 * acceptance holds the passport and starts the review, the claim releases the passport, a
 * withdrawal ends the application. Each handler runs its change as a system command in the
 * consumer's transaction (`CommandPipeline.runIn`): the permit row is locked, the events are
 * appended with it; the consumer commits after each handler that appended, so a batch never
 * holds the log's append lock while waiting for a row (docs/event-log.md, trade-offs).
 */
export function caseEventsConsumer(events: EventStore, filing: FilingService, custody: CustodyService): Consumer {
  return events.consume(
    CASE_EVENTS_CONSUMER,
    {},
    new EventHandlers()
      .on(EVENT_TYPES.caseSubmitted, (event, tx) => filing.createFromSubmission(event, tx))
      .on(EVENT_TYPES.caseResubmitted, (event, tx) => filing.applyResubmission(event, tx))
      .on(EVENT_TYPES.caseWithdrawn, (event, tx) => filing.withdraw(event, tx))
      .on(EVENT_TYPES.documentsAccepted, (event, tx) => custody.holdPassport(event, tx))
      .on(EVENT_TYPES.claimRecorded, (event, tx) => custody.releasePassport(event, tx)),
  );
}
