import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum WebhookDeliveryStatusEnum {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatusEnum, {
  name: 'WebhookDeliveryStatus',
  description:
    'PENDING: to be sent (or retried, or held while its endpoint is disabled); SUCCEEDED: answered 2xx; FAILED: every attempt of its schedule failed.',
});

@ObjectType('WebhookEndpoint', {
  description: 'Where OneStop POSTs your agency’s case events, signed per Standard Webhooks.',
})
export class WebhookEndpoint {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'https URL (http only outside production). Never redirected.' })
  url!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => [String], {
    description: 'Event types sent to this endpoint (see `webhookEventTypes`); empty: every type.',
  })
  eventTypes!: string[];

  @Field(() => String, {
    description:
      'The signing secret (whsec_…), for `new Webhook(secret).verify(body, headers)`. After `rotateWebhookSecret` the previous one still signs (a second signature) until `previousSecretValidUntil`.',
  })
  secret!: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  previousSecretUntil!: Date | null;

  @Field(() => Boolean, { description: 'false: deliveries are held (not sent) until you enable it again.' })
  enabled!: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true })
  disabledAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why it was disabled (by you, or after its retry window failed).',
  })
  disabledReason!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The last 2xx answer.' })
  lastSuccessAt!: Date | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;
}

@ObjectType('WebhookAttempt', { description: 'One POST of a delivery.' })
export class WebhookAttempt {
  @Field(() => Int)
  attempt!: number;

  @Field(() => GraphQLISODateTime)
  attemptedAt!: Date;

  @Field(() => Int, { nullable: true, description: 'Your receiver’s HTTP status; null when it did not answer.' })
  responseCode!: number | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Int)
  durationMs!: number;
}

@ObjectType('WebhookDelivery', { description: 'One event for one endpoint, with every attempt.' })
export class WebhookDelivery {
  @Field(() => ID, {
    description: 'The `webhook-id` header: the same on every attempt and redelivery (deduplicate on it).',
  })
  id!: string;

  @Field(() => ID)
  endpointId!: string;

  @Field(() => ID, { description: 'The event id (as `eventId` in `caseEvents`).' })
  eventId!: string;

  @Field(() => String)
  eventType!: string;

  @Field(() => ID, { nullable: true })
  caseId!: string | null;

  @Field(() => String, { description: 'The JSON body sent.' })
  payload!: string;

  @Field(() => WebhookDeliveryStatusEnum)
  status!: WebhookDeliveryStatusEnum;

  @Field(() => Int, { description: 'Attempts made so far (redeliveries included).' })
  attempts!: number;

  @Field(() => Int, { nullable: true })
  lastResponseCode!: number | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'PENDING: when the next attempt is due.' })
  nextAttemptAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastAttemptAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType('WebhookDeliveryPage')
export class WebhookDeliveryPage {
  @Field(() => [WebhookDelivery], { description: 'Newest event first.' })
  nodes!: WebhookDelivery[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page.' })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasNextPage!: boolean;
}

@ObjectType('AgencyNotification', {
  description: 'Something OneStop tells your agency, e.g. WEBHOOK_ENDPOINT_DISABLED.',
})
export class AgencyNotification {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  kind!: string;

  @Field(() => ID, { nullable: true })
  endpointId!: string | null;

  @Field(() => String)
  message!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}
