import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TICKET_STATUSES, type TicketEntity, type TicketStatus } from './ticket.entity.js';

export const TicketStatusEnum = Object.fromEntries(TICKET_STATUSES.map((s) => [s, s])) as { [K in TicketStatus]: K };
registerEnumType(TicketStatusEnum, {
  name: 'TicketStatus',
  description:
    'WAITING → CALLED → SERVING → DONE; MISSED when the applicant never came to the window that called them (or was still called, not served, as the counter closed for the day); UNSERVED when still waiting as the counter closed for the day; WITHDRAWN when still waiting as the agency withdrew the case (a ticket already called to a window or being served stays there). A service still running at closing is DONE at the closing time.',
});

@ObjectType('Ticket', { description: 'A queue ticket: one visit of a case to a counter, with its times.' })
export class Ticket {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'P-007 (with an appointment) or W-008 (walk-in); numbered per counter per day.' })
  ticketNumber!: string;

  @Field(() => ID)
  caseId!: string;

  @Field(() => ID)
  counterId!: string;

  @Field(() => String, { description: 'YYYY-MM-DD, Asia/Shanghai.' })
  serviceDate!: string;

  @Field(() => String, { description: 'Talent category A, B or C (A walks in).' })
  category!: string;

  @Field(() => Date, { nullable: true, description: 'The last time the clerk called the ticket again (recall).' })
  recalledAt!: Date | null;

  @Field(() => ID, { nullable: true, description: 'The appointment checked in with; null for a walk-in.' })
  appointmentId!: string | null;

  @Field(() => TicketStatusEnum)
  status!: TicketStatus;

  @Field(() => Int, { nullable: true, description: 'The window it was called to.' })
  window!: number | null;

  @Field(() => Date, { description: 'Check-in.' })
  issuedAt!: Date;

  @Field(() => Date, { nullable: true })
  calledAt!: Date | null;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'Service completed; for MISSED, when the window called the next one; for UNSERVED, and for a ticket still at a window as the counter closed, the closing time; for WITHDRAWN, when the agency withdrew the case.',
  })
  completedAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'Counter wait: check-in to called, in minutes.' })
  waitMinutes!: number | null;
}

export function toTicket(t: TicketEntity): Ticket {
  return {
    id: t.id,
    ticketNumber: t.ticketNumber,
    caseId: t.caseId,
    counterId: t.counterId,
    serviceDate: t.serviceDate,
    appointmentId: t.appointmentId,
    category: t.category,
    recalledAt: t.recalledAt ?? null,
    status: t.status,
    window: t.window,
    issuedAt: t.issuedAt,
    calledAt: t.calledAt,
    startedAt: t.startedAt,
    completedAt: t.completedAt,
    waitMinutes: t.calledAt ? Math.round((t.calledAt.getTime() - t.issuedAt.getTime()) / 6_000) / 10 : null,
  };
}
