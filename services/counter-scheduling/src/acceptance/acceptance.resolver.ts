import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { CounterSchedulingContext } from '../context.js';
import { DocumentsAcceptance } from './acceptance.type.js';

@Resolver(() => DocumentsAcceptance)
export class AcceptanceResolver {
  @Mutation(() => DocumentsAcceptance, {
    description:
      'CLERK: accept the paper materials of a case checked in at your counter today, hold the passport, issue the receipt of acceptance. INVALID_TRANSITION with extensions.problems listing every missing item otherwise.',
  })
  async acceptDocuments(
    @Arg('caseId', () => ID) caseId: string,
    @Ctx() ctx: CounterSchedulingContext,
  ): Promise<DocumentsAcceptance> {
    assertCan(ctx.actor, 'documents.accept', { counterId: ctx.actor?.counterId });
    return ctx.ops.acceptance.accept(ctx.actor, ctx.actor.counterId!, caseId);
  }
}
