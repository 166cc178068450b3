import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '@onestop/common';
import type { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import { ResidencePermit } from '../residence-permit/residence-permit.type.js';
import type { CustodyService } from './custody.service.js';
import { PassportCustody, ReceiptOfAcceptanceCheck } from './custody.type.js';

/** What the custody resolvers need of the request context (context.ts provides it). */
export interface CustodyContext extends RequestContext {
  services: { custody: CustodyService };
}

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
    @Ctx() ctx: CustodyContext,
  ): Promise<ReceiptOfAcceptanceCheck> {
    return ctx.services.custody.checkReceipt(number);
  }

  @FieldResolver(() => PassportCustody, {
    nullable: true,
    description: 'Null until the counter accepts the documents and holds the passport.',
  })
  passportCustody(@Root() p: ResidencePermitEntity, @Ctx() ctx: CustodyContext): PassportCustody | null {
    return ctx.services.custody.custodyOf(p);
  }
}
