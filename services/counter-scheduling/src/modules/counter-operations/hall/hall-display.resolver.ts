import { Arg, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { NotFoundError } from '@onestop/common';
import type { OpsContext } from '../shared/ops-context.js';
import type DataLoader from 'dataloader';
import type { SubgraphRuntime } from '@onestop/common';
import type { ServiceCounterEntity } from '../counter/counter.entity.js';
import type { HallDisplayService } from './hall-display.service.js';
import { HallDisplayFeed } from './hall-display.feed.js';
import { HallDisplay } from './hall-display.type.js';

/** What this file reads from the request context. */
type Ctx = OpsContext<
  { runtime: SubgraphRuntime; hall: HallDisplayService },
  { counterById: DataLoader<string, ServiceCounterEntity | null> }
>;

/**
 * The waiting hall's screen. Public on purpose, like `receiptOfAcceptance`: the screen hangs
 * in a public hall and signs in as nobody; it shows ticket numbers and windows only, which the
 * hall already hears called out, never a name, case or passport.
 */
@Resolver(() => HallDisplay)
export class HallDisplayResolver {
  @Query(() => HallDisplay, {
    description: 'Public, no token needed: the tickets called to the windows of a counter now, for the hall screen.',
  })
  async hallDisplay(@Arg('counterId', () => ID) counterId: string, @Ctx() ctx: Ctx): Promise<HallDisplay> {
    const display = await ctx.ops.hall.display(counterId);
    if (!display) throw new NotFoundError('ServiceCounter', counterId);
    return display;
  }

  @Subscription(() => HallDisplay, {
    description:
      "Public: the counter's hall screen again whenever a ticket is called, recalled, started or completed there. `since` replays from an eventId.",
    subscribe: async ({ args, context }) => {
      const ctx = context as Ctx;
      const { counterId, since } = args as { counterId: string; since?: string | null };
      if (!(await ctx.opsLoaders.counterById.load(counterId))) throw new NotFoundError('ServiceCounter', counterId);
      return new HallDisplayFeed(ctx.ops.runtime, ctx.ops.hall, counterId, since ?? undefined);
    },
  })
  hallDisplayChanged(
    @Root() display: HallDisplay,
    @Arg('counterId', () => ID) _counterId: string,
    @Arg('since', () => ID, { nullable: true }) _since: string | null,
  ): HallDisplay {
    return display;
  }
}
