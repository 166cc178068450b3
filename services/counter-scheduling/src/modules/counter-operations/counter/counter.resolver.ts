import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { OpsContext } from '../shared/ops-context.js';
import type DataLoader from 'dataloader';
import type { CounterHoursExceptionEntity } from './counter-hours-exception.entity.js';
import type { ServiceCounterEntity } from './counter.entity.js';
import type { CounterService } from './counter.service.js';
import { toCounterDay } from './counter.service.js';
import { AppointmentSlotType, CounterDayType, CounterHoursExceptionType, ServiceCounter } from './counter.type.js';
import { CounterHoursExceptionInput, ServiceCounterInput } from './dto/counter.input.js';

/** What this file reads from the request context. */
type Ctx = OpsContext<
  { counters: CounterService },
  {
    counterById: DataLoader<string, ServiceCounterEntity | null>;
    upcomingExceptionsByCounter: DataLoader<string, CounterHoursExceptionEntity[]>;
  }
>;

@Resolver(() => ServiceCounter)
export class CounterResolver {
  @Query(() => [ServiceCounter], { description: 'All one-stop counters, by district then name.' })
  async serviceCounters(@Ctx() ctx: Ctx): Promise<ServiceCounter[]> {
    assertCan(ctx.actor, 'case.read');
    return ctx.ops.counters.list();
  }

  @Query(() => ServiceCounter, { nullable: true, description: 'A counter by id; null when there is none.' })
  async serviceCounter(@Arg('id', () => ID) id: string, @Ctx() ctx: Ctx): Promise<ServiceCounter | null> {
    assertCan(ctx.actor, 'case.read');
    return ctx.opsLoaders.counterById.load(id);
  }

  @Query(() => [CounterDayType], {
    description:
      'What a counter does on each date from `from` to `to` (YYYY-MM-DD, inclusive, at most 62 days), and why.',
  })
  async counterSchedule(
    @Arg('counterId', () => ID) counterId: string,
    @Arg('from', () => String) from: string,
    @Arg('to', () => String) to: string,
    @Ctx() ctx: Ctx,
  ): Promise<CounterDayType[]> {
    assertCan(ctx.actor, 'appointment.read');
    return (await ctx.ops.counters.schedule(counterId, from, to)).map(toCounterDay);
  }

  @Query(() => [AppointmentSlotType], {
    description:
      'Slots with a free place from `from` to `to` (YYYY-MM-DD, inclusive, at most 62 days) that have not started, up to the booking horizon (BAD_USER_INPUT when `from` is past it): opening hours, exceptions, the official calendar, capacity and bookings.',
  })
  async availableSlots(
    @Arg('counterId', () => ID) counterId: string,
    @Arg('from', () => String) from: string,
    @Arg('to', () => String) to: string,
    @Ctx() ctx: Ctx,
  ): Promise<AppointmentSlotType[]> {
    assertCan(ctx.actor, 'appointment.read');
    return ctx.ops.counters.availableSlots(counterId, from, to);
  }

  @Mutation(() => ServiceCounter, { description: "MANAGER: change a counter's settings (only the fields given)." })
  async updateServiceCounter(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ServiceCounterInput) input: ServiceCounterInput,
    @Ctx() ctx: Ctx,
  ): Promise<ServiceCounter> {
    assertCan(ctx.actor, 'counter.manage');
    return ctx.ops.counters.update(ctx.actor, id, input);
  }

  @Mutation(() => ServiceCounter, {
    description: 'MANAGER: close a counter on a date, or give it special hours (e.g. a Saturday opening).',
  })
  async setCounterHoursException(
    @Arg('counterId', () => ID) counterId: string,
    @Arg('input', () => CounterHoursExceptionInput) input: CounterHoursExceptionInput,
    @Ctx() ctx: Ctx,
  ): Promise<ServiceCounter> {
    assertCan(ctx.actor, 'counter.manage');
    return ctx.ops.counters.setException(ctx.actor, counterId, input);
  }

  @Mutation(() => ServiceCounter, {
    description: 'MANAGER: remove the exception of a date; the weekly hours apply again.',
  })
  async removeCounterHoursException(
    @Arg('counterId', () => ID) counterId: string,
    @Arg('date', () => String) date: string,
    @Ctx() ctx: Ctx,
  ): Promise<ServiceCounter> {
    assertCan(ctx.actor, 'counter.manage');
    return ctx.ops.counters.removeException(ctx.actor, counterId, date);
  }

  @FieldResolver(() => [CounterHoursExceptionType], { description: 'Exceptions from today on, by date.' })
  async hoursExceptions(@Root() counter: ServiceCounter, @Ctx() ctx: Ctx): Promise<CounterHoursExceptionType[]> {
    assertCan(ctx.actor, 'case.read');
    return ctx.opsLoaders.upcomingExceptionsByCounter.load(counter.id);
  }
}
