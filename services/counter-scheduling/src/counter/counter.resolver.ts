import { Ctx, Query, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { CounterSchedulingContext } from '../context.js';
import { ServiceCounterEntity } from './counter.entity.js';
import { ServiceCounter } from './counter.type.js';

@Resolver(() => ServiceCounter)
export class CounterResolver {
  @Query(() => [ServiceCounter], { description: 'All one-stop counters, by district then name.' })
  async serviceCounters(@Ctx() ctx: CounterSchedulingContext): Promise<ServiceCounter[]> {
    assertCan(ctx.actor, 'case.read');
    return ctx.ds.getRepository(ServiceCounterEntity).find({ order: { district: 'ASC', name: 'ASC' } });
  }
}
