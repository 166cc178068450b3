import { Field, ID, InputType } from 'type-graphql';
import type { SlaKind } from '@onestop/common/contract';
import { SlaKindEnum } from '../../clocks/sla.enums.js';

@InputType('SlaAlertFilter')
export class SlaAlertFilterInput {
  @Field(() => SlaKindEnum, { nullable: true })
  kind?: SlaKind | null;

  @Field(() => ID, { nullable: true })
  counterId?: string | null;

  @Field(() => String, { nullable: true, description: 'A, B or C.' })
  category?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true: breaches only, no warnings.' })
  breachesOnly?: boolean | null;
}
