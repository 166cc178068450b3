import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The GraphQL `Case` entity; work-permit owns it and resolves it by id. */
@Directive('@key(fields: "id")')
@ObjectType('Case', { description: 'One application for both permits; they travel together.' })
export class Case {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Human-readable reference, e.g. OS-2026-000123.' })
  reference!: string;

  @Field(() => String)
  status!: string;

  @Field(() => String)
  category!: string;

  @Field(() => String)
  route!: string;

  @Field(() => ID)
  employerId!: string;

  @Field(() => String, { description: 'The applicant as filed.' })
  applicantName!: string;
}
