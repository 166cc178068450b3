import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { OpsContext } from '../shared/ops-context.js';
import type { AcceptanceService } from './acceptance.service.js';
import { DocumentsAcceptance } from './acceptance.type.js';

/** What this file reads from the request context. */
type Ctx = OpsContext<{ acceptance: AcceptanceService }>;

@Resolver(() => DocumentsAcceptance)
export class AcceptanceResolver {
  @Mutation(() => DocumentsAcceptance, {
    description:
      'CLERK: accept the paper materials of a case whose visit is being served at a window of your counter (its ticket SERVING; decision 0008), hold the passport, issue the receipt of acceptance. INVALID_TRANSITION with extensions.problems listing every missing item otherwise (extensions.reason VISIT_NOT_BEING_SERVED when the visit is the problem). Retry with the same idempotencyKey.',
  })
  async acceptDocuments(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | null,
    @Ctx() ctx: Ctx,
  ): Promise<DocumentsAcceptance> {
    assertCan(ctx.actor, 'documents.accept', { counterId: ctx.actor?.counterId });
    return ctx.ops.acceptance.accept(ctx.actor, ctx.actor.counterId!, caseId, idempotencyKey);
  }

  @Query(() => DocumentsAcceptance, {
    nullable: true,
    description:
      'CLERK: a receipt of acceptance by its number (typed or scanned at the claim desk); null when unknown.',
  })
  async documentsAcceptanceByReceipt(
    @Arg('receiptNumber', () => String) receiptNumber: string,
    @Ctx() ctx: Ctx,
  ): Promise<DocumentsAcceptance | null> {
    assertCan(ctx.actor, 'claim.record');
    return ctx.ops.acceptance.byReceiptNumber(ctx.actor, receiptNumber.trim().toUpperCase());
  }
}
