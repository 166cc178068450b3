import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import { Appointment, toAppointment } from '../appointment/appointment.type.js';
import type { OpsContext } from '../shared/ops-context.js';
import type { AppointmentService } from '../appointment/appointment.service.js';
import type { QueueService } from './queue.service.js';
import { CheckInPreview } from './check-in-preview.type.js';
import { Ticket, toTicket } from './ticket.type.js';

/** What this file reads from the request context. */
type Ctx = OpsContext<{ queue: QueueService; appointments: AppointmentService }>;

const KEY = {
  nullable: true,
  description:
    'Kept by the client while it retries the same action: a retry answers what the first attempt did instead of doing it twice. The same key for another action is CONFLICT.',
} as const;

@Resolver(() => Ticket)
export class QueueResolver {
  @Query(() => [Ticket], {
    description:
      "Today's unfinished tickets at a counter (waiting, called, being served), by ticket number; first, any ticket of an earlier day still called or being served at a window (normally none: closing time closes them), for the clerk to complete.",
  })
  async counterQueue(@Arg('counterId', () => ID) counterId: string, @Ctx() ctx: Ctx): Promise<Ticket[]> {
    assertCan(ctx.actor, 'load.read');
    return (await ctx.ops.queue.openTickets(counterId)).map(toTicket);
  }

  @Query(() => CheckInPreview, {
    description:
      'CLERK: what checking this case in at your counter would do now (walk-in, appointment, or refused with the reason), before it happens. Runs the same checks as checkIn and writes nothing.',
  })
  async checkInPreview(@Arg('caseId', () => ID) caseId: string, @Ctx() ctx: Ctx): Promise<CheckInPreview> {
    assertCan(ctx.actor, 'queue.operate', { counterId: ctx.actor?.counterId });
    return ctx.ops.queue.previewCheckIn(ctx.actor, ctx.actor.counterId!, caseId);
  }

  @Query(() => Appointment, {
    nullable: true,
    description: 'CLERK: an appointment by its letter number (AL-2026-000123), to find the applicant at check-in.',
  })
  async appointmentByLetter(
    @Arg('letterNumber', () => String) letterNumber: string,
    @Ctx() ctx: Ctx,
  ): Promise<Appointment | null> {
    assertCan(ctx.actor, 'queue.operate');
    const found = await ctx.ops.appointments.byLetterNumber(letterNumber.trim().toUpperCase());
    return found ? toAppointment(found) : null;
  }

  @Mutation(() => Ticket, {
    description:
      'CLERK: check a case in at your counter and issue a ticket. Category A walks in; B/C need an appointment at this counter today (turned away with the reason otherwise).',
  })
  async checkIn(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('idempotencyKey', () => String, KEY) idempotencyKey: string | null,
    @Ctx() ctx: Ctx,
  ): Promise<Ticket> {
    assertCan(ctx.actor, 'queue.operate', { counterId: ctx.actor?.counterId });
    return toTicket(await ctx.ops.queue.checkIn(ctx.actor, ctx.actor.counterId!, caseId, idempotencyKey));
  }

  @Mutation(() => Ticket, {
    nullable: true,
    description:
      'CLERK: call the next applicant to a window of your counter (started appointments first, then by ticket); null when nobody waits. Opens the window for you when nobody has opened it today.',
  })
  async callNext(
    @Arg('window', () => Int) window: number,
    @Arg('idempotencyKey', () => String, KEY) idempotencyKey: string | null,
    @Ctx() ctx: Ctx,
  ): Promise<Ticket | null> {
    assertCan(ctx.actor, 'queue.operate', { counterId: ctx.actor?.counterId });
    const called = await ctx.ops.queue.callNext(ctx.actor, ctx.actor.counterId!, window, idempotencyKey);
    return called ? toTicket(called) : null;
  }

  @Mutation(() => Ticket, { description: 'CLERK: the called applicant is at the window.' })
  async startService(
    @Arg('ticketId', () => ID) ticketId: string,
    @Arg('idempotencyKey', () => String, KEY) idempotencyKey: string | null,
    @Ctx() ctx: Ctx,
  ): Promise<Ticket> {
    assertCan(ctx.actor, 'queue.operate');
    return toTicket(await ctx.ops.queue.startService(ctx.actor, ticketId, idempotencyKey));
  }

  @Mutation(() => Ticket, { description: 'CLERK: service at the window is finished.' })
  async completeService(
    @Arg('ticketId', () => ID) ticketId: string,
    @Arg('idempotencyKey', () => String, KEY) idempotencyKey: string | null,
    @Ctx() ctx: Ctx,
  ): Promise<Ticket> {
    assertCan(ctx.actor, 'queue.operate');
    return toTicket(await ctx.ops.queue.completeService(ctx.actor, ticketId, idempotencyKey));
  }

  @Mutation(() => Ticket, {
    description: 'CLERK: the called applicant did not come to the window (no-show): the ticket is MISSED.',
  })
  async markMissed(
    @Arg('ticketId', () => ID) ticketId: string,
    @Arg('idempotencyKey', () => String, KEY) idempotencyKey: string | null,
    @Ctx() ctx: Ctx,
  ): Promise<Ticket> {
    assertCan(ctx.actor, 'queue.operate');
    return toTicket(await ctx.ops.queue.markMissed(ctx.actor, ticketId, idempotencyKey));
  }

  @Mutation(() => Ticket, {
    description: 'CLERK: announce a called ticket again (the hall display shows it on top); it stays CALLED.',
  })
  async recallTicket(
    @Arg('ticketId', () => ID) ticketId: string,
    @Arg('idempotencyKey', () => String, KEY) idempotencyKey: string | null,
    @Ctx() ctx: Ctx,
  ): Promise<Ticket> {
    assertCan(ctx.actor, 'queue.operate');
    return toTicket(await ctx.ops.queue.recall(ctx.actor, ticketId, idempotencyKey));
  }
}
