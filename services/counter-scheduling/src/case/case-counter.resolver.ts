import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { assertCan } from '@onestop/common';
import { DocumentsAcceptance } from '../acceptance/acceptance.type.js';
import { Appointment, toAppointment } from '../appointment/appointment.type.js';
import { PermitClaim } from '../claim/claim.type.js';
import type { CounterSchedulingContext } from '../context.js';
import { Ticket, toTicket } from '../queue/ticket.type.js';
import { CaseRef } from '../modules/sla-calendar/index.js';

/** The counter side of a case: its appointment, its visits (tickets), its acceptance and its claim. Agency-scoped, batched. */
@Resolver(() => CaseRef)
export class CaseCounterResolver {
  @FieldResolver(() => Appointment, { nullable: true, description: 'The active appointment, or else the latest one.' })
  async appointment(@Root() root: CaseRef, @Ctx() ctx: CounterSchedulingContext): Promise<Appointment | null> {
    assertCan(ctx.actor, 'appointment.read');
    const a = await ctx.opsLoaders.appointmentByCase.load(root.id);
    return a ? toAppointment(a) : null;
  }

  // Nullable, like every field one subgraph adds to another's entity: if this subgraph is down, the case still loads.
  @FieldResolver(() => [Ticket], {
    nullable: true,
    description: 'Visits to counters (queue tickets with their times), oldest first.',
  })
  async visits(@Root() root: CaseRef, @Ctx() ctx: CounterSchedulingContext): Promise<Ticket[]> {
    assertCan(ctx.actor, 'case.read');
    return (await ctx.opsLoaders.visitsByCase.load(root.id)).map(toTicket);
  }

  @FieldResolver(() => DocumentsAcceptance, {
    nullable: true,
    description: 'The acceptance at the counter (receipt of acceptance), once accepted.',
  })
  async documentsAcceptance(
    @Root() root: CaseRef,
    @Ctx() ctx: CounterSchedulingContext,
  ): Promise<DocumentsAcceptance | null> {
    assertCan(ctx.actor, 'case.read');
    return ctx.opsLoaders.acceptanceByCase.load(root.id);
  }

  @FieldResolver(() => PermitClaim, {
    nullable: true,
    description: 'The claim (permits and passport handed back), once recorded.',
  })
  async claim(@Root() root: CaseRef, @Ctx() ctx: CounterSchedulingContext): Promise<PermitClaim | null> {
    assertCan(ctx.actor, 'case.read');
    return ctx.opsLoaders.claimByCase.load(root.id);
  }
}
