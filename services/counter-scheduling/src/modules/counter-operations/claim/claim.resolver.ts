import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { CounterSchedulingContext } from '../../../context.js';
import { PermitClaim } from './claim.type.js';

@Resolver(() => PermitClaim)
export class ClaimResolver {
  @Mutation(() => PermitClaim, {
    description:
      'CLERK at the counter holding the passport: hand over both permits and the passport together; closes the case. INVALID_TRANSITION before READY_FOR_CLAIM and when already claimed.',
  })
  async recordClaim(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | null,
    @Ctx() ctx: CounterSchedulingContext,
  ): Promise<PermitClaim> {
    assertCan(ctx.actor, 'claim.record');
    return ctx.ops.claims.record(ctx.actor, caseId, idempotencyKey);
  }
}
