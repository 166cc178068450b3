import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { OpsContext } from '../shared/ops-context.js';
import type { CounterWindowService } from './counter-window.service.js';
import { CounterWindow } from './counter-window.type.js';

/** What this file reads from the request context. */
type Ctx = OpsContext<{ windows: CounterWindowService }>;

@Resolver(() => CounterWindow)
export class CounterWindowResolver {
  @Query(() => [CounterWindow], { description: "A counter's windows today and who is at each." })
  async counterWindows(@Arg('counterId', () => ID) counterId: string, @Ctx() ctx: Ctx): Promise<CounterWindow[]> {
    assertCan(ctx.actor, 'load.read');
    return ctx.ops.windows.list(counterId);
  }

  @Mutation(() => CounterWindow, {
    description:
      'CLERK, at the counter of your token only (FORBIDDEN elsewhere): take a window for today. Closes your other window; CONFLICT (reason WINDOW_TAKEN) when another clerk is at it. Counts in windowsOpen of the live load. Retry with the same idempotencyKey.',
  })
  async openWindow(
    @Arg('counterId', () => ID) counterId: string,
    @Arg('window', () => Int) window: number,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | null,
    @Ctx() ctx: Ctx,
  ): Promise<CounterWindow> {
    assertCan(ctx.actor, 'queue.operate', { counterId });
    return ctx.ops.windows.open(ctx.actor, counterId, window, idempotencyKey);
  }

  @Mutation(() => CounterWindow, {
    description:
      'CLERK, at the counter of your token only: close a window for today (yours, or one a colleague left open). INVALID_TRANSITION when it is not open.',
  })
  async closeWindow(
    @Arg('counterId', () => ID) counterId: string,
    @Arg('window', () => Int) window: number,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | null,
    @Ctx() ctx: Ctx,
  ): Promise<CounterWindow> {
    assertCan(ctx.actor, 'queue.operate', { counterId });
    return ctx.ops.windows.close(ctx.actor, counterId, window, idempotencyKey);
  }
}
