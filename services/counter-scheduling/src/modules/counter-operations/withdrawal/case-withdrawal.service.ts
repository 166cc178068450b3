import { emitAll } from '../../../shared/events.js';
import type { EntityManager } from 'typeorm';
import { NotFoundError, type CommandPipeline, type CommandSpec, type Logger } from '@onestop/common';
import type { EVENT_TYPES, TypedEvent } from '@onestop/common/contract';
import { acceptedReceipt } from '../acceptance/acceptance.service.js';
import type { AppointmentService } from '../appointment/appointment.service.js';
import type { QueueService } from '../queue/queue.service.js';
import type { CaseReadinessEntity } from '../readiness/case-readiness.entity.js';
import type { WithdrawalReaction } from '../readiness/case-readiness.consumer.js';
import type { CaseReadinessStore } from '../readiness/case-readiness.store.js';

/** A `case.withdrawn` the readiness consumer read. */
interface Withdrawal {
  caseId: string;
  event: TypedEvent<typeof EVENT_TYPES.caseWithdrawn>;
}

/**
 * What a withdrawal changes beyond the projection (issue 17: the readiness consumer depends on
 * this through its `WithdrawalReaction` port, and this depends on the queue, the appointments
 * and acceptance, one direction): the case's waiting tickets leave the queue and its booked
 * appointment is cancelled, freeing its place. A command of the system, run in the consumer's
 * transaction. A case whose documents were accepted here keeps everything (decision 0006:
 * acceptance wins).
 */
export class CaseWithdrawalService implements WithdrawalReaction {
  constructor(
    private readonly commands: CommandPipeline,
    private readonly cases: CaseReadinessStore,
    private readonly queue: Pick<QueueService, 'withdrawWaiting'>,
    private readonly appointments: Pick<AppointmentService, 'cancelForWithdrawal'>,
    private readonly logger: Logger,
  ) {}

  withdraw(tx: EntityManager, caseId: string, event: TypedEvent<typeof EVENT_TYPES.caseWithdrawn>): Promise<boolean> {
    return this.commands.runIn(tx, { kind: 'system', name: 'case-readiness' }, this.spec, { caseId, event });
  }

  private readonly spec: CommandSpec<Withdrawal, CaseReadinessEntity, boolean> = {
    name: 'withdrawCase',
    action: 'case.read',
    // The case's row first, as every command on the case takes it, so an acceptance that held it has committed when we look.
    load: (tx, { caseId }) => this.cases.load(tx, caseId),
    resource: (kase) => ({ employerId: kase.employerId }),
    notFound: ({ caseId }) => new NotFoundError('Case', caseId),
    subject: (kase) => ({ aggregateId: kase.caseId, employerId: kase.employerId }),
    // Both commands take the case's gate (decision 0006), so a withdrawal can no longer follow
    // an acceptance; one recorded before the gate existed changes nothing here: the passport is
    // held and the issuance clock runs.
    replay: async (tx, _kase, { caseId, event }) => {
      const receipt = await acceptedReceipt(tx, caseId);
      if (!receipt) return null;
      this.logger.warn(
        { eventId: event.id, caseId, receiptNumber: receipt },
        'case.withdrawn for a case whose documents were accepted: ignored',
      );
      return false;
    },
    execute: async (cx, _kase, { caseId, event }) => {
      // Every row lock before the append (last, by the pipeline): case → tickets → appointments
      // → event log, so a window calling this moment never waits for us while we wait for its ticket.
      const leftQueue = await this.queue.withdrawWaiting(cx.tx, caseId, event);
      const cancelled = await this.appointments.cancelForWithdrawal(cx.tx, caseId, event.occurredAt);
      emitAll(cx, [...cancelled, ...leftQueue]);
      return true;
    },
  };
}
