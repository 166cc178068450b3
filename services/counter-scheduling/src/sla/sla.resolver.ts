import { Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { CounterSchedulingContext } from '../context.js';
import { CaseRef } from './sla.type.js';

@Resolver(() => CaseRef)
export class CaseOperationsResolver {
  @FieldResolver(() => ID, { nullable: true, description: 'The counter the case is booked at or was accepted at.' })
  async counterId(@Root() root: CaseRef, @Ctx() ctx: CounterSchedulingContext): Promise<string | null> {
    assertCan(ctx.actor, 'case.read');
    void root;
    return null;
  }
}
