import { Field, InputType } from 'type-graphql';
import type { VerificationKind, VerificationOutcome } from '../verification.entity.js';
import { VerificationKindEnum, VerificationOutcomeEnum } from '../verification.type.js';

@InputType('ScheduleVerificationInput')
export class ScheduleVerificationInput {
  @Field(() => VerificationKindEnum)
  kind!: VerificationKind;

  @Field(() => Date, { description: 'When it takes place: in the future, at most 180 days ahead.' })
  scheduledAt!: Date;

  @Field(() => String, {
    nullable: true,
    description: 'Where (an office, the address of an on-site investigation), at most 300 characters.',
  })
  location?: string | null;

  @Field(() => String, {
    description:
      "The client's key for this scheduling, at most 200 characters (a UUID per form submission). Sending the same request again with the same key (a retry after a timeout) returns the verification already scheduled and writes nothing; the same key with a different request is a CONFLICT. Keys are per officer.",
  })
  idempotencyKey!: string;
}

@InputType('VerificationOutcomeInput')
export class VerificationOutcomeInput {
  @Field(() => VerificationOutcomeEnum)
  outcome!: VerificationOutcome;

  @Field(() => String, {
    nullable: true,
    description: 'Required for DISCREPANCY: what did not match. At most 2000 characters.',
  })
  notes?: string | null;
}
