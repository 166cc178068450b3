import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import { assertCan, type RequestContext } from '@onestop/common';
import { type DomainEvent } from '@onestop/common/contract';
import { SlaAlertFilterInput } from './dto/sla-alert-filter.input.js';
import { toSlaAlert, type SlaAlertFilter, type SlaAlertService } from './sla-alert.service.js';
import { SlaAlert } from './sla-alert.type.js';

/** What the alert feed needs of the request context. */
export interface SlaAlertsContext extends RequestContext {
  slaCalendar: { alerts: SlaAlertService };
}

@Resolver()
export class SlaAlertResolver {
  @Subscription(() => SlaAlert, {
    description:
      'SLA warnings and breaches as they are emitted. Pass the last eventId received as `since` to replay what was missed. An agency only receives its employers\u2019 cases.',
    subscribe: ({ args, context }) => {
      const ctx = context as SlaAlertsContext;
      assertCan(ctx.actor, 'sla.read');
      const { filter, since } = args as { filter?: SlaAlertFilter | null; since?: string | null };
      return ctx.slaCalendar.alerts.alerts(ctx.actor, filter ?? {}, since);
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
