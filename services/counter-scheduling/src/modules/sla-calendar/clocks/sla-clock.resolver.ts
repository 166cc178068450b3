import type DataLoader from 'dataloader';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { assertCan, type RequestContext } from '@onestop/common';
import { SlaClock } from './sla-clock.type.js';
import { CaseRef } from '../../../shared/graphql-types.js';

/** What `Case.sla` needs of the request context. */
export interface CaseClocksContext extends RequestContext {
  slaCalendar: { loaders: { clocksByCase: DataLoader<string, SlaClock[]> } };
}

@Resolver(() => CaseRef)
export class CaseSlaResolver {
  @FieldResolver(() => [SlaClock], {
    nullable: true,
    description:
      'Every SLA clock of the case, oldest first (a resubmission after a return adds a new pre-examination clock).',
  })
  async sla(@Root() root: CaseRef, @Ctx() ctx: CaseClocksContext): Promise<SlaClock[]> {
    assertCan(ctx.actor, 'sla.read');
    return ctx.slaCalendar.loaders.clocksByCase.load(root.id);
  }
}
