import type { EntityManager } from 'typeorm';
import { shanghaiDayStart, type CalendarStore, type EventStore, type Logger } from '@onestop/common';
import { EVENT_TYPES, preExamDue, type CaseDeadlineChangedPayload, type TypedEvent } from '@onestop/common/contract';
import { CaseChanges, lockCase } from '../case/case-changes.js';
import { canMove } from '../case/case-status.rules.js';
import { CaseEntity } from '../case/case.entity.js';
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
    private readonly events: EventStore,
    private readonly calendar: CalendarStore,
    private readonly logger: Logger,
  ) {}

  async handle(event: LifecycleEvent, tx: EntityManager): Promise<void> {
    // Of the clocks' moves only the issuance due is kept here: the others need no lock on the case.
    if (event.type === EVENT_TYPES.slaDeadlineChanged && event.payload.kind !== 'ISSUANCE') return;
    const caseId = event.payload.caseId;
    const c = await lockCase(tx, caseId, null);
    if (!c) {
      this.logger.warn({ eventId: event.id, type: event.type, caseId }, 'event for an unknown case ignored');
      return;
    }
    const changes = new CaseChanges(event.occurredAt, { id: event.actorId, name: event.source });
    this.apply(event, c, changes);
    if (!changes.empty) await changes.commit(tx, this.events);
  }

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
    const open = await tx
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .setLock('pessimistic_write')
      .where(`c.status = 'SUBMITTED'`)
      .andWhere('c.preExamDueAt >= :from', { from })
      .andWhere('c.preExamStartedAt < :to', { to })
      .orderBy('c.id')
      .getMany();
    const changes = new CaseChanges(event.occurredAt, { id: event.actorId, name: event.source });
    for (const c of open) {
      const due = preExamDue(calendar, c.preExamStartedAt, c.category);
      if (due.due.getTime() === c.preExamDueAt.getTime() && due.provisional === c.preExamDueProvisional) continue;
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
    }
    if (!changes.empty) await changes.commit(tx, this.events);
  }

  private ignore(event: LifecycleEvent, c: CaseEntity): void {
    this.logger.info(
      { eventId: event.id, type: event.type, reference: c.reference, status: c.status },
      'event does not change the case in its current state; ignored',
    );
  }
}
