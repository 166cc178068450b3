import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { assertCan } from '@onestop/common';
import { DocumentsAcceptance } from '../acceptance/acceptance.type.js';
import { Appointment, toAppointment } from '../appointment/appointment.type.js';
import { PermitClaim } from '../claim/claim.type.js';
import type { OpsContext } from '../shared/ops-context.js';
import type DataLoader from 'dataloader';
import type { AcceptanceEntity } from '../acceptance/acceptance.entity.js';
import type { AppointmentEntity } from '../appointment/appointment.entity.js';
import type { ClaimEntity } from '../claim/claim.entity.js';
import type { TicketEntity } from '../queue/ticket.entity.js';
import { Ticket, toTicket } from '../queue/ticket.type.js';
import { CaseRef } from '../../../shared/graphql-types.js';

/** What this file reads from the request context. */
type Ctx = OpsContext<
  object,
  {
    acceptanceByCase: DataLoader<string, AcceptanceEntity | null>;
    appointmentByCase: DataLoader<string, AppointmentEntity | null>;
    claimByCase: DataLoader<string, ClaimEntity | null>;
    visitsByCase: DataLoader<string, TicketEntity[]>;
  }
>;

/** The counter side of a case: its appointment, its visits (tickets), its acceptance and its claim. Agency-scoped, batched. */
@Resolver(() => CaseRef)
export class CaseCounterResolver {
  @FieldResolver(() => Appointment, { nullable: true, description: 'The active appointment, or else the latest one.' })
  async appointment(@Root() root: CaseRef, @Ctx() ctx: Ctx): Promise<Appointment | null> {
    assertCan(ctx.actor, 'appointment.read');
    const a = await ctx.opsLoaders.appointmentByCase.load(root.id);
    return a ? toAppointment(a) : null;
  }

  // Nullable, like every field one subgraph adds to another's entity: if this subgraph is down, the case still loads.
  @FieldResolver(() => [Ticket], {
    nullable: true,
    description: 'Visits to counters (queue tickets with their times), oldest first.',
  })
  async visits(@Root() root: CaseRef, @Ctx() ctx: Ctx): Promise<Ticket[]> {
    assertCan(ctx.actor, 'case.read');
    return (await ctx.opsLoaders.visitsByCase.load(root.id)).map(toTicket);
  }

  @FieldResolver(() => DocumentsAcceptance, {
    nullable: true,
    description: 'The acceptance at the counter (receipt of acceptance), once accepted.',
  })
  async documentsAcceptance(@Root() root: CaseRef, @Ctx() ctx: Ctx): Promise<DocumentsAcceptance | null> {
    assertCan(ctx.actor, 'case.read');
    return ctx.opsLoaders.acceptanceByCase.load(root.id);
  }

  @FieldResolver(() => PermitClaim, {
    nullable: true,
    description: 'The claim (permits and passport handed back), once recorded.',
  })
  async claim(@Root() root: CaseRef, @Ctx() ctx: Ctx): Promise<PermitClaim | null> {
    assertCan(ctx.actor, 'case.read');
    return ctx.opsLoaders.claimByCase.load(root.id);
  }
}
