import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  GraphQLISODateTime,
  ID,
  ObjectType,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { assertCan, BadUserInputError, employerScope } from '@onestop/common';
import { type DomainEvent } from '@onestop/common/contract';
import type { AreaContext } from '../../shared/request-context.js';
import type { EventStore } from '@onestop/common';
import type { CaseQueryService } from '../case/case-query.service.js';
import type { CaseEntity } from '../case/case.entity.js';
import { Case } from '../case/case.type.js';
import { AGENCY_EVENT_TYPES, caseIdOf, isAgencyEventType, toAgencyEventBody } from './agency-events.js';

type CaseEventContext = AreaContext<{ cases: CaseQueryService; events: EventStore }>;

@ObjectType('CaseEvent', {
  description: 'An event of a case you may see: the same types and data as the webhooks.',
})
export class CaseEvent {
  @Field(() => ID, { description: 'The event id: pass the last one received as `since` when resubscribing.' })
  eventId!: string;

  @Field(() => String, { description: 'e.g. case.returned (see `webhookEventTypes`).' })
  type!: string;

  @Field(() => GraphQLISODateTime, { description: 'Business time of the event.' })
  occurredAt!: Date;

  @Field(() => ID)
  caseId!: string;

  @Field(() => String, { description: 'The event’s data as JSON: the `data` object of the webhook body.' })
  data!: string;

  event!: DomainEvent;
}

@Resolver(() => CaseEvent)
export class CaseEventResolver {
  @Subscription(() => CaseEvent, {
    description:
      'Events of the cases you may see (an agency: its employers’ cases), as they are appended. Pass the last eventId received as `since` to replay what was missed; `types` narrows them (see `webhookEventTypes`).',
    subscribe: ({ args, context }) => {
      const ctx = context as CaseEventContext;
      assertCan(ctx.actor, 'case.read');
      const { since, types } = args as { since?: string | null; types?: string[] | null };
      const problems: string[] = [];
      if (since !== undefined && since !== null && !/^(0|[1-9][0-9]{0,18})$/.test(since))
        problems.push(`since: must be an event id (the eventId of an event received), got ${JSON.stringify(since)}`);
      for (const t of types ?? [])
        if (!isAgencyEventType(t))
          problems.push(`types: ${JSON.stringify(t)} is not one of ${AGENCY_EVENT_TYPES.join(', ')}`);
      if (problems.length) throw new BadUserInputError('Cannot subscribe to case events', problems);
      const scope = employerScope(ctx.actor);
      return ctx.services.events.subscribe({
        since: since ?? undefined,
        types: types?.length ? types : AGENCY_EVENT_TYPES,
        filter: (e) => !scope || (e.employerId !== null && scope.includes(e.employerId)),
      });
    },
  })
  caseEvents(
    @Root() event: DomainEvent,
    @Arg('since', () => ID, { nullable: true }) _since: string | null,
    @Arg('types', () => [String], { nullable: true }) _types: string[] | null,
  ): CaseEvent {
    const data: Record<string, unknown> = { ...toAgencyEventBody(event, null).data };
    for (const k of ['eventId', 'caseId', 'caseReference']) delete data[k];
    return {
      eventId: event.id,
      type: event.type,
      occurredAt: event.occurredAt,
      caseId: caseIdOf(event),
      data: JSON.stringify(data),
      event,
    };
  }

  @FieldResolver(() => Case, { nullable: true, description: 'The case (null if it is not yours to see any more).' })
  async case(@Root() e: CaseEvent, @Ctx() ctx: CaseEventContext): Promise<CaseEntity | null> {
    // Not the context's DataLoader: a subscription's context lives as long as it does, and a
    // cached case would go stale between events.
    if (!ctx.actor) return null;
    return (await ctx.services.cases.findByIds(ctx.actor, [e.caseId])).get(e.caseId) ?? null;
  }
}
