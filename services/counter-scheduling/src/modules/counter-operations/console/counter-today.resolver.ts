import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { CounterSchedulingContext } from '../../../context.js';
import { CounterToday } from './counter-today.type.js';

@Resolver(() => CounterToday)
export class CounterTodayResolver {
  @Query(() => CounterToday, {
    description:
      "A counter's page today: live queue (no personal data), windows and who is at them, today's waits and breaches, and the nearest counters with a shorter expected wait. MANAGER: any counter; CLERK: the counter they staff.",
  })
  async counterToday(
    @Arg('counterId', () => ID) counterId: string,
    @Ctx() ctx: CounterSchedulingContext,
  ): Promise<CounterToday> {
    assertCan(ctx.actor, 'counter.inspect', { counterId });
    return ctx.ops.counterToday.today(counterId);
  }
}
