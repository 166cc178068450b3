import { Arg, Ctx, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import { assertCan, NotFoundError } from '@onestop/common';
import type { OpsContext } from '../shared/ops-context.js';
import type DataLoader from 'dataloader';
import type { SubgraphRuntime } from '@onestop/common';
import type { ServiceCounterEntity } from '../counter/counter.entity.js';
import type { CounterLoadCache } from './counter-load.cache.js';
import type { CounterLoadChanges } from './counter-load.changes.js';
import type { CounterLoadService } from './counter-load.service.js';
import type { LoadHistoryService } from './load-history.service.js';
import { CounterLoadFeed } from './counter-load.feed.js';
import { CityLoad, CounterLoad, LoadSample } from './counter-load.type.js';

/** What this file reads from the request context. */
type Ctx = OpsContext<
  {
    runtime: SubgraphRuntime;
    load: CounterLoadService;
    loadCache: CounterLoadCache;
    loadChanges: CounterLoadChanges;
    loadHistory: LoadHistoryService;
  },
  { counterById: DataLoader<string, ServiceCounterEntity | null> }
>;

interface LoadArgs {
  counterId?: string | null;
  since?: string | null;
}

@Resolver(() => CounterLoad)
export class CounterLoadResolver {
  @Query(() => CounterLoad, { description: 'The live load of one counter today.' })
  async counterLoad(@Arg('counterId', () => ID) counterId: string, @Ctx() ctx: Ctx): Promise<CounterLoad> {
    assertCan(ctx.actor, 'load.read');
    const load = await ctx.ops.load.counter(counterId);
    if (!load) throw new NotFoundError('ServiceCounter', counterId);
    return load;
  }

  @Query(() => CityLoad, { description: 'The live load of the city: sums and each counter.' })
  async cityLoad(@Ctx() ctx: Ctx): Promise<CityLoad> {
    assertCan(ctx.actor, 'load.read');
    return ctx.ops.load.city();
  }

  @Query(() => [LoadSample], {
    description:
      "The city load over a day (YYYY-MM-DD, Asia/Shanghai) from that day's tickets: one sample every bucketMinutes (5–240) from 00:00, up to now for today. Start a chart from it and append counterLoadChanged pushes.",
  })
  async cityLoadHistory(
    @Arg('date', () => String) date: string,
    @Arg('bucketMinutes', () => Int, { defaultValue: 15 }) bucketMinutes: number,
    @Ctx() ctx: Ctx,
  ): Promise<LoadSample[]> {
    assertCan(ctx.actor, 'load.read');
    return ctx.ops.loadHistory.city(date, bucketMinutes);
  }

  @Subscription(() => CounterLoad, {
    description:
      "Pushes a counter's new load whenever it changes, from any instance: one counter, or every counter when counterId is omitted. A push is a snapshot labelled with the latest event it reflects. `since` (e.g. the last CounterLoad.eventId you received) pushes each counter changed after it once, with its current load: a reconnecting client misses nothing and gets nothing twice.",
    subscribe: async ({ args, context }) => {
      const ctx = context as Ctx;
      const { counterId, since } = args as LoadArgs;
      assertCan(ctx.actor, 'load.read');
      if (counterId && !(await ctx.opsLoaders.counterById.load(counterId)))
        throw new NotFoundError('ServiceCounter', counterId);
      return new CounterLoadFeed(
        ctx.ops.runtime,
        ctx.ops.loadCache,
        ctx.ops.loadChanges,
        counterId ?? null,
        since ?? undefined,
      );
    },
  })
  counterLoadChanged(
    @Root() load: CounterLoad,
    @Arg('counterId', () => ID, { nullable: true }) _counterId: string | null,
    @Arg('since', () => ID, { nullable: true }) _since: string | null,
  ): CounterLoad {
    return load;
  }
}
