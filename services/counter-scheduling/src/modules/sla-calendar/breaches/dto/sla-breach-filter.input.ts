import { Field, ID, InputType } from 'type-graphql';
import type { SlaKind } from '@onestop/common/contract';
import { SlaKindEnum } from '../../clocks/sla.enums.js';

@InputType('SlaBreachFilter')
export class SlaBreachFilterInput {
  @Field(() => SlaKindEnum, { nullable: true })
  kind?: SlaKind | null;

  @Field(() => ID, { nullable: true })
  counterId?: string | null;

  @Field(() => String, { nullable: true, description: 'A, B or C.' })
  category?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: open breaches only; false: resolved only; omitted: both.',
  })
  open?: boolean | null;
}
