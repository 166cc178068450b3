import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { SlaKind } from '@onestop/common/contract';
import { SlaKindEnum } from '../clocks/sla.enums.js';
import { CaseRef } from '../../../shared/graphql-types.js';

@ObjectType('SlaAlert', { description: 'A warning (threshold 50, 75…) or a breach (threshold 100), as it happens.' })
export class SlaAlert {
  @Field(() => ID, { description: 'The event id: pass the last one received as `since` when resubscribing.' })
  eventId!: string;

  @Field(() => ID)
  clockId!: string;

  @Field(() => SlaKindEnum)
  kind!: SlaKind;

  @Field(() => Int, { description: 'Percent of the allowed time: a warning below 100, the breach at 100.' })
  threshold!: number;

  @Field(() => Boolean)
  breach!: boolean;

  @Field(() => CaseRef, {
    nullable: true,
    description: 'The case; the gateway resolves its other fields from their subgraphs (null if they are unavailable).',
  })
  case!: CaseRef;

  @Field(() => ID, { nullable: true })
  counterId!: string | null;

  @Field(() => String, { nullable: true })
  category!: string | null;

  @Field(() => Date)
  dueAt!: Date;

  @Field(() => Date, { description: 'When the threshold fell due.' })
  at!: Date;
}
