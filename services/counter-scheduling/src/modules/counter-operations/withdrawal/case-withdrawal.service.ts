import type { EntityManager } from 'typeorm';
import type { EventStore, Logger } from '@onestop/common';
import type { EVENT_TYPES, TypedEvent } from '@onestop/common/contract';
import { acceptedReceipt } from '../acceptance/acceptance.service.js';
import type { AppointmentService } from '../appointment/appointment.service.js';
import type { QueueService } from '../queue/queue.service.js';
import type { WithdrawalReaction } from '../readiness/case-readiness.consumer.js';

/**
 * What a withdrawal changes beyond the projection (issue 17: the readiness consumer depends on
 * this through its `WithdrawalReaction` port, and this depends on the queue, the appointments
 * and acceptance, one direction): the case's waiting tickets leave the queue and its booked
 * appointment is cancelled, freeing its place. A case whose documents were accepted here keeps
 * everything (decision 0006: acceptance wins).
 */
export class CaseWithdrawalService implements WithdrawalReaction {
  constructor(
    private readonly queue: Pick<QueueService, 'withdrawWaiting'>,
    private readonly appointments: Pick<AppointmentService, 'cancelForWithdrawal'>,
    private readonly events: Pick<EventStore, 'append'>,
    private readonly logger: Logger,
  ) {}

  async withdraw(tx: EntityManager, caseId: string, e: TypedEvent<typeof EVENT_TYPES.caseWithdrawn>): Promise<boolean> {
    const receipt = await acceptedReceipt(tx, caseId);
    if (receipt) {
      this.logger.warn(
        { eventId: e.id, caseId, receiptNumber: receipt },
        'case.withdrawn for a case whose documents were accepted: ignored',
      );
      return false;
    }
    // Every row lock before the first append (which holds the log's append lock to commit):
    // case → tickets → appointments → event log, so a window calling this moment never
    // waits for us while we wait for its ticket.
    const leftQueue = await this.queue.withdrawWaiting(tx, caseId, e);
    await this.appointments.cancelForWithdrawal(tx, caseId, e.occurredAt);
    if (leftQueue.length) await this.events.append(tx, leftQueue);
    return true;
  }
}
