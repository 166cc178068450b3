import { Field, GraphQLISODateTime, ObjectType } from 'type-graphql';
import { PresenterKindEnum } from '../../shared/enums.js';
import type { PresenterKind } from '../../shared/vocabulary.js';

@ObjectType('WorkPermitMaterialItem')
export class WorkPermitMaterialItem {
  @Field(() => String, {
    description: 'Stable key, e.g. attachment-1-original, handler-identity-document, applicant-passport.',
  })
  item!: string;

  @Field(() => String)
  label!: string;

  @Field(() => Boolean)
  present!: boolean;

  @Field(() => String, { nullable: true, description: 'The clerk who recorded it.' })
  verifiedBy!: string | null;

  @Field(() => String, { nullable: true })
  verifiedByName!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  verifiedAt!: Date | null;
}

@ObjectType('WorkPermitMaterials', {
  description: 'The work-permit half of the paper materials checked at the counter (seed §5).',
})
export class WorkPermitMaterials {
  @Field(() => PresenterKindEnum)
  presenter!: PresenterKind;

  @Field(() => String, { nullable: true })
  presenterName!: string | null;

  @Field(() => [WorkPermitMaterialItem])
  items!: WorkPermitMaterialItem[];

  @Field(() => Boolean)
  complete!: boolean;

  @Field(() => [String], { description: 'What is still missing (blocks acceptance).' })
  missing!: string[];
}
