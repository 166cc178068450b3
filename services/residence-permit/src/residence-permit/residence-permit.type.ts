import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType('ResidencePermit', { description: "The work-type residence permit application of a case." })
export class ResidencePermit {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  status!: string;
}

/** Case as seen by residence-permit: it adds `residencePermit`. */
@Directive('@key(fields: "id")')
@ObjectType('Case')
export class CaseRef {
  @Field(() => ID)
  id!: string;
}
