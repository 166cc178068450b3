import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { ResidencePermitContext } from '../../context.js';
import type { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import { ResidencePermit } from '../residence-permit/residence-permit.type.js';
import { PassportCustody, ReceiptOfAcceptanceCheck } from './custody.type.js';

@Resolver(() => ResidencePermit)
export class CustodyResolver {
  /**
   * Public on purpose (seed §6: the receipt is the applicant's legal proof of residence while
   * the passport is held, and a hotel or a police officer must be able to check it): no token,
   * no assertCan. It reveals only validity and the day of issue.
   */
  @Query(() => ReceiptOfAcceptanceCheck, {
    description:
      'Public, no token needed: is this receipt of acceptance valid now? Valid only while the passport is held; an unknown or released number gives valid false. Reveals nothing else.',
  })
  async receiptOfAcceptance(
    @Arg('number', () => String) number: string,
    @Ctx() ctx: ResidencePermitContext,
  ): Promise<ReceiptOfAcceptanceCheck> {
    return ctx.services.custody.checkReceipt(number);
  }

  @FieldResolver(() => PassportCustody, {
    nullable: true,
    description: 'Null until the counter accepts the documents and holds the passport.',
  })
  passportCustody(@Root() p: ResidencePermitEntity, @Ctx() ctx: ResidencePermitContext): PassportCustody | null {
    if (!p.passportHeldSince || !p.receiptNumber) return null;
    const until = p.passportReleasedAt ?? ctx.runtime.clock.now();
    return {
      held: p.passportReleasedAt === null,
      receiptNumber: p.receiptNumber,
      heldSince: p.passportHeldSince,
      counterId: p.passportHeldCounterId,
      releasedAt: p.passportReleasedAt,
      releasedCounterId: p.passportReleasedCounterId,
      workingDaysHeld: Math.max(0, ctx.runtime.calendar.calendar.workingDaysBetween(p.passportHeldSince, until)),
    };
  }
}
