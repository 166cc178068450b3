import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Agency', {
  description:
    'A specialised service agency, or an employer’s handling office, that files cases for the employers entrusting it.',
})
export class Agency {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;
}
