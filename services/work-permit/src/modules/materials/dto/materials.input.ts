import { Field, ID, InputType } from 'type-graphql';
import { PresenterKindEnum } from '../../../shared/enums.js';
import type { PresenterKind } from '../../../shared/vocabulary.js';

@InputType('RecordWorkPermitMaterialInput')
export class RecordWorkPermitMaterialInput {
  @Field(() => ID)
  caseId!: string;

  @Field(() => String, { description: 'An item key of the case’s checklist (workPermitMaterials.items.item).' })
  item!: string;

  @Field(() => Boolean)
  present!: boolean;
}

@InputType('SetWorkPermitPresenterInput')
export class SetWorkPermitPresenterInput {
  @Field(() => ID)
  caseId!: string;

  @Field(() => PresenterKindEnum)
  presenter!: PresenterKind;

  @Field(() => ID, { nullable: true, description: 'REGISTERED_HANDLER: which registered handler.' })
  handlerId?: string | null;

  @Field(() => String, { nullable: true, description: 'OTHER_STAFF: the staff member’s name (required).' })
  name?: string | null;
}
