import { Field, InputType } from 'type-graphql';
import type { MaterialState, ResidenceMaterial } from '../materials-checklist.js';
import { ResidenceMaterialEnum, ResidenceMaterialStateEnum } from '../materials.type.js';

@InputType('ResidenceApplicationFormChecksInput', {
  description: 'To verify the application form, every check must be true.',
})
export class ApplicationFormChecksInput {
  @Field(() => Boolean, { description: 'Filled in black ink.' })
  blackInk!: boolean;

  @Field(() => Boolean, { description: 'A recent 2-inch colour photo.' })
  colourPhoto2Inch!: boolean;

  @Field(() => Boolean, { description: 'White background.' })
  whiteBackground!: boolean;

  @Field(() => Boolean, { description: 'No headwear.' })
  noHeadwear!: boolean;
}

@InputType('ResidenceMaterialInput')
export class ResidenceMaterialInput {
  @Field(() => ResidenceMaterialEnum)
  item!: ResidenceMaterial;

  @Field(() => ResidenceMaterialStateEnum)
  state!: MaterialState;

  @Field(() => ApplicationFormChecksInput, {
    nullable: true,
    description: 'APPLICATION_FORM only; required to verify it.',
  })
  applicationForm?: ApplicationFormChecksInput | null;

  @Field(() => String, { nullable: true, description: 'What the clerk noticed (at most 500 characters).' })
  note?: string | null;
}
