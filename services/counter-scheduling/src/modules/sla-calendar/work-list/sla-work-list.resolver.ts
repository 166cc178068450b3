import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { assertCan, type RequestContext } from '@onestop/common';
import { type DomainEvent } from '@onestop/common/contract';
import { SlaWorkListFilterInput } from './dto/sla-work-list-filter.input.js';
import { toWorkListChange, type SlaWorkListService } from './sla-work-list.service.js';
import { SlaWorkItem, SlaWorkList, SlaWorkListChange, StaffMember } from './sla-work-list.type.js';

const KEY = 'Retry with the same idempotencyKey: the retry answers what the first did.';

/** What the work list needs of the request context. */
export interface SlaWorkListContext extends RequestContext {
  slaCalendar: { workList: SlaWorkListService };
}

@Resolver()
export class SlaWorkListResolver {
  @Query(() => SlaWorkList, {
    description:
      'The SLA work list: open breaches, then warnings, each soonest due first; with who acknowledged, who it is assigned to, and the notes. An agency sees only its employers\u2019 cases.',
  })
  async slaWorkList(
    @Arg('filter', () => SlaWorkListFilterInput, { nullable: true }) filter: SlaWorkListFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Ctx() ctx: SlaWorkListContext,
  ): Promise<SlaWorkList> {
    assertCan(ctx.actor, 'sla.read');
    return ctx.slaCalendar.workList.list(ctx.actor, filter ?? {}, first);
  }

  @Query(() => [StaffMember], { description: 'MANAGER and officers: the people an SLA entry can be assigned to.' })
  async slaAssignees(@Ctx() ctx: SlaWorkListContext): Promise<StaffMember[]> {
    assertCan(ctx.actor, 'sla.followUp');
    return ctx.slaCalendar.workList.assignees();
  }

  @Mutation(() => SlaWorkItem, {
    description: `MANAGER and officers: acknowledge the entry's current warning or breach. CONFLICT (reason ALREADY_ACKNOWLEDGED) when someone already did; NOT_ON_WORK_LIST when there is nothing to acknowledge. ${KEY}`,
  })
  async acknowledgeSlaEntry(
    @Arg('clockId', () => ID) clockId: string,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | null,
    @Ctx() ctx: SlaWorkListContext,
  ): Promise<SlaWorkItem> {
    assertCan(ctx.actor, 'sla.followUp');
    return ctx.slaCalendar.workList.acknowledge(ctx.actor, clockId, idempotencyKey);
  }

  @Mutation(() => SlaWorkItem, {
    description: `MANAGER and officers: assign the entry to a person from slaAssignees. ${KEY}`,
  })
  async assignSlaEntry(
    @Arg('clockId', () => ID) clockId: string,
    @Arg('assigneeId', () => ID) assigneeId: string,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | null,
    @Ctx() ctx: SlaWorkListContext,
  ): Promise<SlaWorkItem> {
    assertCan(ctx.actor, 'sla.followUp');
    return ctx.slaCalendar.workList.assign(ctx.actor, clockId, assigneeId, idempotencyKey);
  }

  @Mutation(() => SlaWorkItem, {
    description: `MANAGER and officers: add a note (1 to 2,000 characters) to the entry. ${KEY}`,
  })
  async addSlaNote(
    @Arg('clockId', () => ID) clockId: string,
    @Arg('text', () => String) text: string,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | null,
    @Ctx() ctx: SlaWorkListContext,
  ): Promise<SlaWorkItem> {
    assertCan(ctx.actor, 'sla.followUp');
    return ctx.slaCalendar.workList.note(ctx.actor, clockId, text, idempotencyKey);
  }

  @Subscription(() => SlaWorkListChange, {
    description:
      'Every change to the SLA work list (a warning, a breach, a resolution, an acknowledgement, assignment or note): refetch slaWorkList. Pass the last eventId received as `since` when resubscribing.',
    subscribe: ({ args, context }) => {
      const ctx = context as SlaWorkListContext;
      assertCan(ctx.actor, 'sla.read');
      return ctx.slaCalendar.workList.changes(ctx.actor, (args as { since?: string | null }).since);
    },
  })
  slaWorkListChanged(
    @Root() event: DomainEvent,
    @Arg('since', () => ID, { nullable: true }) _since: string | null,
  ): SlaWorkListChange {
    return toWorkListChange(event);
  }
}
