import { Field, ObjectType, registerEnumType } from 'type-graphql';
import {
  MATERIAL_STATES,
  RESIDENCE_MATERIALS,
  type MaterialState,
  type ResidenceMaterial,
} from './materials-checklist.js';

export const ResidenceMaterialEnum = Object.fromEntries(RESIDENCE_MATERIALS.map((m) => [m, m])) as {
  [K in ResidenceMaterial]: K;
};
registerEnumType(ResidenceMaterialEnum, {
  name: 'ResidenceMaterial',
  description: 'The residence-permit materials checked at the counter (seed §5).',
  valuesConfig: {
    PASSPORT: { description: 'Valid passport or travel document (original).' },
    APPLICATION_FORM: {
      description:
        'Application Form for Foreigner Visa Documents: black ink, recent 2-inch colour photo, white background, no headwear.',
    },
    ACCOMMODATION_REGISTRATION: { description: 'Accommodation registration with the local police station or hotel.' },
    EMPLOYER_OPINION_LETTER: { description: "The employer's opinion letter agreeing to the application." },
  },
});

export const ResidenceMaterialStateEnum = Object.fromEntries(MATERIAL_STATES.map((s) => [s, s])) as {
  [K in MaterialState]: K;
};
registerEnumType(ResidenceMaterialStateEnum, {
  name: 'ResidenceMaterialState',
  description:
    'MISSING: not brought. PRESENT: brought but not (yet) in order. VERIFIED: checked by a clerk and in order.',
});

@ObjectType('ResidenceApplicationFormChecks', { description: 'What the clerk confirmed on the application form.' })
export class ApplicationFormChecksType {
  @Field(() => Boolean)
  blackInk!: boolean;

  @Field(() => Boolean)
  colourPhoto2Inch!: boolean;

  @Field(() => Boolean)
  whiteBackground!: boolean;

  @Field(() => Boolean)
  noHeadwear!: boolean;
}

@ObjectType('ResidenceMaterialItem', {
  description: 'One checklist item, with who recorded it and when (null: never recorded, so MISSING).',
})
export class ResidenceMaterialItem {
  @Field(() => ResidenceMaterialEnum)
  item!: ResidenceMaterial;

  @Field(() => String)
  label!: string;

  @Field(() => ResidenceMaterialStateEnum)
  state!: MaterialState;

  @Field(() => ApplicationFormChecksType, { nullable: true })
  applicationForm!: ApplicationFormChecksType | null;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => String, { nullable: true, description: 'The clerk (token subject).' })
  recordedBy!: string | null;

  @Field(() => String, { nullable: true })
  recordedByName!: string | null;

  @Field(() => String, { nullable: true, description: 'The counter the clerk staffs.' })
  counterId!: string | null;

  @Field(() => Date, { nullable: true })
  recordedAt!: Date | null;
}

@ObjectType('ResidenceMaterials', { description: 'The residence-permit checklist; acceptance needs it complete.' })
export class ResidenceMaterials {
  @Field(() => Boolean, { description: 'Every item verified.' })
  complete!: boolean;

  @Field(() => [String], { description: 'What is still missing (not verified), in checklist order.' })
  missing!: string[];

  @Field(() => [ResidenceMaterialItem])
  items!: ResidenceMaterialItem[];
}
