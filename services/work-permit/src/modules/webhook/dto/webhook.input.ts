import { Field, ID, InputType } from 'type-graphql';
import { WebhookDeliveryStatusEnum } from '../webhook.type.js';

@InputType('RegisterWebhookEndpointInput')
export class RegisterWebhookEndpointInput {
  @Field(() => String, { description: 'https URL (http only outside production).' })
  url!: string;

  @Field(() => [String], {
    nullable: true,
    description: 'Event types (see `webhookEventTypes`); omit or [] for every type.',
  })
  eventTypes?: string[] | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType('UpdateWebhookEndpointInput', { description: 'Only what changes.' })
export class UpdateWebhookEndpointInput {
  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => [String], { nullable: true })
  eventTypes?: string[] | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true sends what was held while it was disabled.' })
  enabled?: boolean | null;
}

@InputType('WebhookDeliveryFilter')
export class WebhookDeliveryFilter {
  @Field(() => ID, { nullable: true })
  endpointId?: string | null;

  @Field(() => WebhookDeliveryStatusEnum, { nullable: true })
  status?: WebhookDeliveryStatusEnum | null;

  @Field(() => ID, { nullable: true })
  caseId?: string | null;
}
