import type { EntityManager } from 'typeorm';
import {
  shanghaiDayStart,
  type CalendarStore,
  type CommandAuthor,
  type CommandPipeline,
  type CommandSpec,
  type Logger,
  type WorkingDayCalendar,
} from '@onestop/common';
import {
  EVENT_TYPES,
  preExamDue,
  type CaseDeadlineChangedPayload,
  type DomainEvent,
  type TypedEvent,
} from '@onestop/common/contract';
import { changeCase, ON_CASE, type CaseChanges } from '../case/case-changes.js';
import { lockCase, lockOpenPreExaminations } from '../case/case.store.js';
import { canMove } from '../case/case-status.rules.js';
import type { CaseEntity } from '../case/case.entity.js';
import { markReadyIfBothDecided } from '../decision/work-permit-decision.service.js';

/** The other subgraphs' events that move a case (docs/decisions/0003-case-status-owner.md). */
export const LIFECYCLE_EVENT_TYPES = [
  EVENT_TYPES.appointmentBooked,
  EVENT_TYPES.appointmentRescheduled,
  EVENT_TYPES.appointmentCancelled,
  EVENT_TYPES.appointmentNoShow,
  EVENT_TYPES.ticketIssued,
  EVENT_TYPES.ticketUnserved,
  EVENT_TYPES.ticketMissed,
  EVENT_TYPES.documentsAccepted,
  EVENT_TYPES.residencePermitIssued,
  EVENT_TYPES.residencePermitRefused,
  EVENT_TYPES.claimRecorded,
  // The issuance clock's due moves (counter-scheduling's clock; work-permit keeps a copy to sort by).
  EVENT_TYPES.slaDeadlineChanged,
] as const;
type LifecycleEvent = TypedEvent<(typeof LIFECYCLE_EVENT_TYPES)[number]>;

/**
 * Applies the other subgraphs' facts to the cases work-permit owns. Each handler runs in the
 * consumer's transaction, locks the case, and moves it only from the statuses the lifecycle
 * allows, so a replayed or out-of-place event changes nothing (and is logged).
 */
export class CaseLifecycleProjector {
  constructor(
    private readonly commands: CommandPipeline,
    private readonly calendar: CalendarStore,
    private readonly logger: Logger,
  ) {}

  async handle(event: LifecycleEvent, tx: EntityManager): Promise<void> {
    // Of the clocks' moves only the issuance due is kept here: the others need no lock on the case.
    if (event.type === EVENT_TYPES.slaDeadlineChanged && event.payload.kind !== 'ISSUANCE') return;
    try {
      await this.commands.runIn(tx, applying(event), this.applyFact, event);
    } catch (err) {
      if (!(err instanceof UnknownCase)) throw err;
      this.logger.warn(
        { eventId: event.id, type: event.type, caseId: err.caseId },
        'event for an unknown case ignored',
      );
    }
  }

  /** Another subgraph's fact applied to the case it names (the case locked; out-of-place facts change nothing). */
  private readonly applyFact: CommandSpec<LifecycleEvent, CaseEntity, void> = {
    name: 'applyCaseLifecycleEvent',
    action: 'case.read', // unchecked: the system runs it (runIn), not a person
    load: (tx, event) => lockCase(tx, event.payload.caseId),
    resource: ON_CASE.resource,
    notFound: (event) => new UnknownCase(event.payload.caseId),
    subject: ON_CASE.subject,
    execute: (cx, c, event) => changeCase(cx, (changes) => this.apply(event, c, changes)),
  };

  private apply(event: LifecycleEvent, c: CaseEntity, changes: CaseChanges): void {
    switch (event.type) {
      case EVENT_TYPES.appointmentBooked: {
        const p = event.payload;
        if (!canMove(c.status, 'bookAppointment')) return this.ignore(event, c);
        changes.set(c, { appointmentId: p.appointmentId });
        return changes.move(
          c,
          'APPOINTMENT_BOOKED',
          'APPOINTMENT_BOOKED',
          `Appointment ${p.letterNumber} at ${p.counterId}, ${p.slotStart.toISOString()}`,
        );
      }
      case EVENT_TYPES.appointmentRescheduled: {
        const p = event.payload;
        if (c.status !== 'APPOINTMENT_BOOKED') return this.ignore(event, c);
        changes.set(c, { appointmentId: p.appointmentId });
        return changes.note(
          c,
          'APPOINTMENT_RESCHEDULED',
          `Appointment ${p.letterNumber} at ${p.counterId}, ${p.slotStart.toISOString()}${p.reason ? ` (${p.reason})` : ''}`,
        );
      }
      case EVENT_TYPES.appointmentCancelled:
      case EVENT_TYPES.appointmentNoShow: {
        const p = event.payload;
        // Only the appointment in force puts the case back; a replaced one's cancellation does not.
        if (!canMove(c.status, 'cancelAppointment') || (c.appointmentId && c.appointmentId !== p.appointmentId))
          return this.ignore(event, c);
        const noShow = event.type === EVENT_TYPES.appointmentNoShow;
        changes.set(c, { appointmentId: null });
        return changes.move(
          c,
          'PRE_EXAM_PASSED',
          noShow ? 'APPOINTMENT_NO_SHOW' : 'APPOINTMENT_CANCELLED',
          p.reason ?? `Appointment ${p.letterNumber}`,
        );
      }
      case EVENT_TYPES.ticketIssued: {
        const p = event.payload;
        if (c.status === 'CHECKED_IN')
          return changes.note(c, 'CHECKED_IN_AGAIN', `Ticket ${p.ticketNumber} at ${p.counterId}`);
        if (!canMove(c.status, 'checkIn')) return this.ignore(event, c);
        return changes.move(c, 'CHECKED_IN', 'CHECKED_IN', `Ticket ${p.ticketNumber} at ${p.counterId}`);
      }
      case EVENT_TYPES.ticketUnserved:
      case EVENT_TYPES.ticketMissed: {
        const p = event.payload;
        if (!canMove(c.status, 'leftQueue')) return this.ignore(event, c);
        const unserved = event.type === EVENT_TYPES.ticketUnserved;
        changes.set(c, { appointmentId: null });
        return changes.move(
          c,
          'PRE_EXAM_PASSED',
          unserved ? 'UNSERVED_AT_CLOSING' : 'TICKET_MISSED',
          unserved
            ? `Ticket ${p.ticketNumber} at ${p.counterId} was still waiting when the counter closed`
            : `Ticket ${p.ticketNumber} at ${p.counterId} was called but the applicant did not come to the window`,
        );
      }
      case EVENT_TYPES.documentsAccepted: {
        const p = event.payload;
        if (!canMove(c.status, 'acceptDocuments')) return this.ignore(event, c);
        changes.set(c, {
          acceptedAt: p.acceptedAt,
          receiptNumber: p.receiptNumber,
          issuanceDueAt: p.issuanceDueAt,
          issuanceDueProvisional: p.issuanceDueProvisional,
        });
        changes.move(c, 'ACCEPTED', 'DOCUMENTS_ACCEPTED', `Receipt of acceptance ${p.receiptNumber} at ${p.counterId}`);
        return markReadyIfBothDecided(c, changes);
      }
      case EVENT_TYPES.residencePermitIssued:
      case EVENT_TYPES.residencePermitRefused: {
        if (c.rpStatus !== 'PENDING') return this.ignore(event, c);
        const issued = event.type === EVENT_TYPES.residencePermitIssued;
        changes.set(c, { rpStatus: issued ? 'ISSUED' : 'REFUSED', rpDecidedAt: event.payload.decidedAt });
        changes.note(
          c,
          issued ? 'RESIDENCE_PERMIT_ISSUED' : 'RESIDENCE_PERMIT_REFUSED',
          issued
            ? `Residence permit ${event.payload.permitNumber}, valid ${event.payload.validFrom} to ${event.payload.validUntil}`
            : event.payload.reasons.join('; '),
        );
        return markReadyIfBothDecided(c, changes);
      }
      case EVENT_TYPES.claimRecorded: {
        const p = event.payload;
        if (!canMove(c.status, 'claim')) return this.ignore(event, c);
        changes.set(c, { claimedAt: p.claimedAt });
        return changes.move(c, 'CLAIMED', 'CLAIMED', `Permits and passport handed over at ${p.counterId}`);
      }
      case EVENT_TYPES.slaDeadlineChanged: {
        // The issuance clock's due (the pre-examination due is work-permit's own), read in log
        // order with documents-accepted, so a later move never loses to an earlier value.
        const p = event.payload;
        if (p.kind !== 'ISSUANCE' || !c.acceptedAt) return;
        return changes.set(c, { issuanceDueAt: p.dueAt, issuanceDueProvisional: p.provisional });
      }
      default:
        return;
    }
  }

  /**
   * calendar.changed: recomputes the pre-examination due time of every open (SUBMITTED) case
   * whose clock runs through one of the changed years, and records only the ones that moved.
   */
  async onCalendarChanged(event: TypedEvent<typeof EVENT_TYPES.calendarChanged>, tx: EntityManager): Promise<void> {
    const years = event.payload.years.filter((y) => Number.isInteger(y) && y >= 1900 && y <= 9998);
    if (!years.length) return;
    // The store's own reload races this handler; read the calendar in this transaction instead.
    const calendar = await this.calendar.reload(tx);
    const from = shanghaiDayStart(`${Math.min(...years)}-01-01`);
    const to = shanghaiDayStart(`${Math.max(...years) + 1}-01-01`);
    // Every case is locked first, in id order, before any event is appended.
    const open = await lockOpenPreExaminations(tx, from, to);
    for (const c of open)
      await this.commands.runIn(tx, applying(event), this.recomputePreExamDue, { c, calendar, years });
  }

  /** A case's pre-examination due after a calendar change (the case is locked by the caller's select). */
  private readonly recomputePreExamDue: CommandSpec<
    { c: CaseEntity; calendar: WorkingDayCalendar; years: number[] },
    CaseEntity,
    void
  > = {
    name: 'recomputePreExamDue',
    action: 'case.read', // unchecked: the system runs it (runIn), not a person
    load: async (_tx, { c }) => c,
    resource: ON_CASE.resource,
    notFound: ({ c }) => new UnknownCase(c.id),
    subject: ON_CASE.subject,
    execute: (cx, c, { calendar, years }) =>
      changeCase(cx, (changes) => {
        const due = preExamDue(calendar, c.preExamStartedAt, c.category);
        if (due.due.getTime() === c.preExamDueAt.getTime() && due.provisional === c.preExamDueProvisional) return;
        const payload: CaseDeadlineChangedPayload = {
          caseId: c.id,
          reference: c.reference,
          category: c.category,
          kind: 'PRE_EXAMINATION',
          previousDueAt: c.preExamDueAt.toISOString(),
          dueAt: due.due.toISOString(),
          previousProvisional: c.preExamDueProvisional,
          provisional: due.provisional,
          years,
        };
        changes.set(c, { preExamDueAt: due.due, preExamDueProvisional: due.provisional });
        changes.note(
          c,
          'PRE_EXAM_DEADLINE_CHANGED',
          `Pre-examination due ${payload.previousDueAt} → ${payload.dueAt}${due.provisional ? ' (provisional)' : ''}`,
        );
        changes.event(c, EVENT_TYPES.caseDeadlineChanged, payload);
      }),
  };

  private ignore(event: LifecycleEvent, c: CaseEntity): void {
    this.logger.info(
      { eventId: event.id, type: event.type, reference: c.reference, status: c.status },
      'event does not change the case in its current state; ignored',
    );
  }
}

/** The system author of a consumer's command: the fact's source, author and time (kept on the timeline and events). */
function applying(event: DomainEvent): CommandAuthor {
  return { kind: 'system', name: event.source, cause: { actorId: event.actorId, at: event.occurredAt } };
}

/** The case an event names does not exist here (logged and skipped, not retried). */
class UnknownCase extends Error {
  constructor(readonly caseId: string) {
    super(`No case ${caseId}`);
  }
}
