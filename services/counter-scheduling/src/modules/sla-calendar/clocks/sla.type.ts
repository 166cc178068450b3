import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Case as seen by counter-scheduling: it adds the operational fields. */
@Directive('@key(fields: "id")')
@ObjectType('Case')
export class CaseRef {
  @Field(() => ID)
  id!: string;
}
