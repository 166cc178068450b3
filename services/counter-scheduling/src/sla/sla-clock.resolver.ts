import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { CounterSchedulingContext } from '../context.js';
import { SlaClock } from './sla-clock.type.js';
import { CaseRef } from './sla.type.js';

@Resolver(() => CaseRef)
export class CaseSlaResolver {
  @FieldResolver(() => [SlaClock], {
    nullable: true,
    description:
      'Every SLA clock of the case, oldest first (a resubmission after a return adds a new pre-examination clock).',
  })
  async sla(@Root() root: CaseRef, @Ctx() ctx: CounterSchedulingContext): Promise<SlaClock[]> {
    assertCan(ctx.actor, 'sla.read');
    return ctx.sla.loaders.clocksByCase.load(root.id);
  }
}
