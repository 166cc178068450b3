import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { OpsContext } from '../shared/ops-context.js';
import type { CounterTodayService } from './counter-today.service.js';
import { CounterToday } from './counter-today.type.js';

/** What this file reads from the request context. */
type Ctx = OpsContext<{ counterToday: CounterTodayService }>;

@Resolver(() => CounterToday)
export class CounterTodayResolver {
  @Query(() => CounterToday, {
    description:
      "A counter's page today: live queue (no personal data), windows and who is at them, today's waits and breaches, and the nearest counters with a shorter expected wait. MANAGER: any counter; CLERK: the counter they staff.",
  })
  async counterToday(@Arg('counterId', () => ID) counterId: string, @Ctx() ctx: Ctx): Promise<CounterToday> {
    assertCan(ctx.actor, 'counter.inspect', { counterId });
    return ctx.ops.counterToday.today(counterId);
  }
}
