import { Arg, Ctx, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import { assertCan } from '@onestop/common';
import { type DomainEvent } from '@onestop/common/contract';
import type { CounterSchedulingContext } from '../context.js';
import { SlaAlertFilterInput } from './dto/sla-alert-filter.input.js';
import { SlaBreachFilterInput } from './dto/sla-breach-filter.input.js';
import { SlaAlert } from './sla-alert.type.js';
import { SlaBreachConnection } from './sla-breach.type.js';
import { DEFAULT_PAGE_SIZE, toSlaAlert, type SlaAlertFilter } from './sla-query.service.js';

@Resolver()
export class SlaBreachResolver {
  @Query(() => SlaBreachConnection, {
    description: 'SLA breaches, newest first (an agency sees only its employers\u2019 cases).',
  })
  async slaBreaches(
    @Arg('filter', () => SlaBreachFilterInput, { nullable: true }) filter: SlaBreachFilterInput | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: CounterSchedulingContext,
  ): Promise<SlaBreachConnection> {
    assertCan(ctx.actor, 'sla.read');
    return ctx.sla.queries.breaches(ctx.actor, filter ?? {}, first, after);
  }

  @Subscription(() => SlaAlert, {
    description:
      'SLA warnings and breaches as they are emitted. Pass the last eventId received as `since` to replay what was missed. An agency only receives its employers\u2019 cases.',
    subscribe: ({ args, context }) => {
      const ctx = context as CounterSchedulingContext;
      assertCan(ctx.actor, 'sla.read');
      const { filter, since } = args as { filter?: SlaAlertFilter | null; since?: string | null };
      return ctx.sla.queries.alerts(ctx.actor, filter ?? {}, since);
    },
  })
  slaBreached(
    @Root() event: DomainEvent,
    @Arg('filter', () => SlaAlertFilterInput, { nullable: true }) _filter: SlaAlertFilterInput | null,
    @Arg('since', () => ID, { nullable: true }) _since: string | null,
  ): SlaAlert {
    return toSlaAlert(event);
  }
}
