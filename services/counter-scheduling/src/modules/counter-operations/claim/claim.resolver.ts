import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { OpsContext } from '../shared/ops-context.js';
import type { ClaimService } from './claim.service.js';
import { PermitClaim } from './claim.type.js';

/** What this file reads from the request context. */
type Ctx = OpsContext<{ claims: ClaimService }>;

@Resolver(() => PermitClaim)
export class ClaimResolver {
  @Mutation(() => PermitClaim, {
    description:
      'CLERK at the counter holding the passport: hand over both permits and the passport together; closes the case. INVALID_TRANSITION before READY_FOR_CLAIM and when already claimed.',
  })
  async recordClaim(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | null,
    @Ctx() ctx: Ctx,
  ): Promise<PermitClaim> {
    assertCan(ctx.actor, 'claim.record');
    return ctx.ops.claims.record(ctx.actor, caseId, idempotencyKey);
  }
}
