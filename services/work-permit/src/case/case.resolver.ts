import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { WorkPermitContext } from '../context.js';
import { Case } from './case.type.js';

@Resolver(() => Case)
export class CaseResolver {
  @Query(() => Case, { nullable: true, description: 'A case by id; null when it does not exist or is not yours to see.' })
  async case(@Arg('id', () => ID) id: string, @Ctx() ctx: WorkPermitContext): Promise<Case | null> {
    const found = await ctx.loaders.caseById.load(id);
    if (!found) await ctx.services.cases.get(ctx.actor, id); // throws the right error: unauthenticated or not found
    return found;
  }
}
