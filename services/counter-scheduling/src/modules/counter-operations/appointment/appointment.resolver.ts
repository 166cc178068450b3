import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { OpsContext } from '../shared/ops-context.js';
import type DataLoader from 'dataloader';
import type { ServiceCounterEntity } from '../counter/counter.entity.js';
import type { AppointmentService } from './appointment.service.js';
import { ServiceCounter } from '../counter/counter.type.js';
import { Appointment, toAppointment } from './appointment.type.js';

/** What this file reads from the request context. */
type Ctx = OpsContext<
  { appointments: AppointmentService },
  { counterById: DataLoader<string, ServiceCounterEntity | null> }
>;

@Resolver(() => Appointment)
export class AppointmentResolver {
  @Query(() => Appointment, {
    nullable: true,
    description: 'An appointment by id; null when it does not exist or is not yours to see.',
  })
  async appointment(@Arg('id', () => ID) id: string, @Ctx() ctx: Ctx): Promise<Appointment | null> {
    assertCan(ctx.actor, 'appointment.read');
    const found = (await ctx.ops.appointments.findByIds(ctx.actor, [id])).get(id);
    return found ? toAppointment(found) : null;
  }

  @Mutation(() => Appointment, {
    description:
      'AGENCY: book a place for a case that passed pre-examination (never for Category A, who walk in). Idempotent per agency and key. CONFLICT "slot full" when no place is left.',
  })
  async bookAppointment(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('counterId', () => ID) counterId: string,
    @Arg('slotStart', () => Date) slotStart: Date,
    @Arg('idempotencyKey', () => String) idempotencyKey: string,
    @Ctx() ctx: Ctx,
  ): Promise<Appointment> {
    assertCan(ctx.actor, 'appointment.book');
    return toAppointment(await ctx.ops.appointments.book(ctx.actor, { caseId, counterId, slotStart, idempotencyKey }));
  }

  @Mutation(() => Appointment, { description: 'AGENCY: cancel a booked appointment before its slot starts.' })
  async cancelAppointment(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: Ctx,
  ): Promise<Appointment> {
    assertCan(ctx.actor, 'appointment.book');
    return toAppointment(await ctx.ops.appointments.cancel(ctx.actor, id, reason));
  }

  @Mutation(() => Appointment, {
    description:
      'AGENCY: move a booked appointment to another slot of the same counter. Returns the new appointment, linked to the original.',
  })
  async rescheduleAppointment(
    @Arg('id', () => ID) id: string,
    @Arg('newSlotStart', () => Date) newSlotStart: Date,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: Ctx,
  ): Promise<Appointment> {
    assertCan(ctx.actor, 'appointment.book');
    return toAppointment(await ctx.ops.appointments.reschedule(ctx.actor, id, newSlotStart, reason));
  }

  @FieldResolver(() => ServiceCounter, { nullable: true })
  async counter(@Root() a: Appointment, @Ctx() ctx: Ctx): Promise<ServiceCounter | null> {
    assertCan(ctx.actor, 'appointment.read');
    return ctx.opsLoaders.counterById.load(a.counterId);
  }
}
