import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { OpsContext } from '../shared/ops-context.js';
import type { ThroughputService } from './throughput.service.js';
import { HourlyThroughput } from './throughput.type.js';

/** What this file reads from the request context. */
type Ctx = OpsContext<{ throughput: ThroughputService }>;

@Resolver(() => HourlyThroughput)
export class ThroughputResolver {
  @Query(() => [HourlyThroughput], {
    description:
      'Throughput per hour of a day (YYYY-MM-DD, Asia/Shanghai): 24 rows from 00:00, city-wide or for one counter. MANAGER, officers and clerks.',
  })
  async cityThroughput(
    @Arg('date', () => String) date: string,
    @Arg('counterId', () => ID, { nullable: true }) counterId: string | null | undefined,
    @Ctx() ctx: Ctx,
  ): Promise<HourlyThroughput[]> {
    assertCan(ctx.actor, 'load.read');
    return ctx.ops.throughput.hourly(date, counterId ?? null);
  }
}
