import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { assertCan, type RequestContext } from '@onestop/common';
import { SlaBreachFilterInput } from './dto/sla-breach-filter.input.js';
import { DEFAULT_PAGE_SIZE, type SlaBreachService } from './sla-breach.service.js';
import { SlaBreachConnection } from './sla-breach.type.js';

/** What the breach list needs of the request context. */
export interface SlaBreachesContext extends RequestContext {
  slaCalendar: { breaches: SlaBreachService };
}

@Resolver()
export class SlaBreachResolver {
  @Query(() => SlaBreachConnection, {
    description: 'SLA breaches, newest first (an agency sees only its employers\u2019 cases).',
  })
  async slaBreaches(
    @Arg('filter', () => SlaBreachFilterInput, { nullable: true }) filter: SlaBreachFilterInput | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: SlaBreachesContext,
  ): Promise<SlaBreachConnection> {
    assertCan(ctx.actor, 'sla.read');
    return ctx.slaCalendar.breaches.breaches(ctx.actor, filter ?? {}, first, after);
  }
}
