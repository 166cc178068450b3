import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type DataLoader from 'dataloader';
import type { AreaContext } from '../../shared/request-context.js';
import type { WebhookService } from './webhook.service.js';
import { AGENCY_EVENT_TYPES } from './agency-events.js';
import {
  RegisterWebhookEndpointInput,
  UpdateWebhookEndpointInput,
  WebhookDeliveryFilter,
} from './dto/webhook.input.js';
import type { AttemptRow, DeliveryRow, EndpointRow, NotificationRow } from './webhook.store.js';
import {
  AgencyNotification,
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEndpoint,
} from './webhook.type.js';

/** The loaders of the webhook area (built per request in context.ts). */
export interface WebhookLoaders {
  /** Attempts of webhook deliveries (the owner's agency was checked by whoever loaded the delivery). */
  webhookAttempts: DataLoader<string, AttemptRow[]>;
}
type WebhookContext = AreaContext<{ webhooks: WebhookService }, WebhookLoaders>;

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointResolver {
  @Query(() => [String], { description: 'The case event types an agency can receive (webhooks and `caseEvents`).' })
  webhookEventTypes(): string[] {
    return [...AGENCY_EVENT_TYPES];
  }

  @Query(() => [WebhookEndpoint], { description: 'AGENCY: your webhook endpoints.' })
  async webhookEndpoints(@Ctx() ctx: WebhookContext): Promise<EndpointRow[]> {
    assertCan(ctx.actor, 'webhook.manage');
    return ctx.services.webhooks.endpoints(ctx.actor);
  }

  @Mutation(() => WebhookEndpoint, {
    description:
      'AGENCY: registers an endpoint; events of your employers’ cases are POSTed to it, signed with its `secret`. CONFLICT if you already have one for this URL (a retried request: the error names it).',
  })
  async registerWebhookEndpoint(
    @Arg('input', () => RegisterWebhookEndpointInput) input: RegisterWebhookEndpointInput,
    @Ctx() ctx: WebhookContext,
  ): Promise<EndpointRow> {
    assertCan(ctx.actor, 'webhook.manage');
    return ctx.services.webhooks.register(ctx.actor, input);
  }

  @Mutation(() => WebhookEndpoint, { description: 'AGENCY: changes an endpoint; `enabled: true` sends what was held.' })
  async updateWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateWebhookEndpointInput) input: UpdateWebhookEndpointInput,
    @Ctx() ctx: WebhookContext,
  ): Promise<EndpointRow> {
    assertCan(ctx.actor, 'webhook.manage');
    return ctx.services.webhooks.update(ctx.actor, id, input);
  }

  @Mutation(() => WebhookEndpoint, {
    description: 'AGENCY: a new signing secret; the previous one keeps signing alongside it for a grace period.',
  })
  async rotateWebhookSecret(@Arg('id', () => ID) id: string, @Ctx() ctx: WebhookContext): Promise<EndpointRow> {
    assertCan(ctx.actor, 'webhook.manage');
    return ctx.services.webhooks.rotateSecret(ctx.actor, id);
  }

  @Mutation(() => Boolean, { description: 'AGENCY: deletes an endpoint and its delivery history.' })
  async deleteWebhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: WebhookContext): Promise<boolean> {
    assertCan(ctx.actor, 'webhook.manage');
    return ctx.services.webhooks.delete(ctx.actor, id);
  }

  @Query(() => WebhookDeliveryPage, { description: 'AGENCY: deliveries to your endpoints, newest event first.' })
  async webhookDeliveries(
    @Arg('filter', () => WebhookDeliveryFilter, { nullable: true }) filter: WebhookDeliveryFilter | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: WebhookContext,
  ): Promise<{ nodes: DeliveryRow[]; endCursor: string | null; hasNextPage: boolean }> {
    assertCan(ctx.actor, 'webhook.manage');
    return ctx.services.webhooks.deliveries(ctx.actor, filter ?? {}, first, after);
  }

  @Query(() => WebhookDelivery, { description: 'AGENCY: one delivery (by its webhook-id).' })
  async webhookDelivery(@Arg('id', () => ID) id: string, @Ctx() ctx: WebhookContext): Promise<DeliveryRow> {
    assertCan(ctx.actor, 'webhook.manage');
    return ctx.services.webhooks.delivery(ctx.actor, id);
  }

  @Mutation(() => WebhookDelivery, {
    description:
      'AGENCY: sends a delivery again now, with the same webhook-id and a fresh retry schedule (held if its endpoint is disabled). CONFLICT while it is being sent.',
  })
  async redeliverWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: WebhookContext): Promise<DeliveryRow> {
    assertCan(ctx.actor, 'webhook.manage');
    return ctx.services.webhooks.redeliver(ctx.actor, id);
  }

  @Query(() => [AgencyNotification], { description: 'AGENCY: what OneStop told your agency, newest first.' })
  async agencyNotifications(
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Ctx() ctx: WebhookContext,
  ): Promise<NotificationRow[]> {
    assertCan(ctx.actor, 'webhook.manage');
    return ctx.services.webhooks.notifications(ctx.actor, first);
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => String)
  payload(@Root() d: DeliveryRow): string {
    return JSON.stringify(d.payload);
  }

  @FieldResolver(() => [WebhookAttempt], { description: 'Every attempt, oldest first.' })
  attemptLog(@Root() d: DeliveryRow, @Ctx() ctx: WebhookContext): Promise<AttemptRow[]> {
    return ctx.loaders.webhookAttempts.load(d.id);
  }
}
