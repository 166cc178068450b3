import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { CounterSchedulingContext } from '../context.js';
import { Ticket, toTicket } from './ticket.type.js';

@Resolver(() => Ticket)
export class QueueResolver {
  @Query(() => [Ticket], {
    description:
      "Today's unfinished tickets at a counter (waiting, called, being served), by ticket number; first, any ticket of an earlier day still called or being served at a window (normally none: closing time closes them), for the clerk to complete.",
  })
  async counterQueue(
    @Arg('counterId', () => ID) counterId: string,
    @Ctx() ctx: CounterSchedulingContext,
  ): Promise<Ticket[]> {
    assertCan(ctx.actor, 'load.read');
    return (await ctx.ops.queue.openTickets(counterId)).map(toTicket);
  }

  @Mutation(() => Ticket, {
    description:
      'CLERK: check a case in at your counter and issue a ticket. Category A walks in; B/C need an appointment at this counter today (turned away with the reason otherwise).',
  })
  async checkIn(@Arg('caseId', () => ID) caseId: string, @Ctx() ctx: CounterSchedulingContext): Promise<Ticket> {
    assertCan(ctx.actor, 'queue.operate', { counterId: ctx.actor?.counterId });
    return toTicket(await ctx.ops.queue.checkIn(ctx.actor, ctx.actor.counterId!, caseId));
  }

  @Mutation(() => Ticket, {
    nullable: true,
    description:
      'CLERK: call the next applicant to a window of your counter (started appointments first, then by ticket); null when nobody waits.',
  })
  async callNext(
    @Arg('window', () => Int) window: number,
    @Ctx() ctx: CounterSchedulingContext,
  ): Promise<Ticket | null> {
    assertCan(ctx.actor, 'queue.operate', { counterId: ctx.actor?.counterId });
    const called = await ctx.ops.queue.callNext(ctx.actor, ctx.actor.counterId!, window);
    return called ? toTicket(called) : null;
  }

  @Mutation(() => Ticket, { description: 'CLERK: the called applicant is at the window.' })
  async startService(
    @Arg('ticketId', () => ID) ticketId: string,
    @Ctx() ctx: CounterSchedulingContext,
  ): Promise<Ticket> {
    assertCan(ctx.actor, 'queue.operate');
    return toTicket(await ctx.ops.queue.startService(ctx.actor, ticketId));
  }

  @Mutation(() => Ticket, { description: 'CLERK: service at the window is finished.' })
  async completeService(
    @Arg('ticketId', () => ID) ticketId: string,
    @Ctx() ctx: CounterSchedulingContext,
  ): Promise<Ticket> {
    assertCan(ctx.actor, 'queue.operate');
    return toTicket(await ctx.ops.queue.completeService(ctx.actor, ticketId));
  }
}
