import { Field, ID, InputType } from 'type-graphql';
import type { SlaKind } from '@onestop/common/contract';
import { SlaKindEnum } from '../../clocks/sla.enums.js';
import { SlaWorkLevelEnum, SlaWorkStateEnum, type SlaWorkLevel, type SlaWorkState } from '../sla-work-list.type.js';

@InputType('SlaWorkListFilter')
export class SlaWorkListFilterInput {
  @Field(() => SlaKindEnum, { nullable: true })
  kind?: SlaKind | null;

  @Field(() => String, { nullable: true, description: "A counter's district, e.g. Chaoyang." })
  district?: string | null;

  @Field(() => ID, { nullable: true })
  counterId?: string | null;

  @Field(() => SlaWorkLevelEnum, { nullable: true })
  level?: SlaWorkLevel | null;

  @Field(() => SlaWorkStateEnum, { nullable: true })
  state?: SlaWorkState | null;
}
