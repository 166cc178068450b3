import { Field, ID, InputType } from 'type-graphql';

@InputType('IssueWorkPermitInput')
export class IssueWorkPermitInput {
  @Field(() => ID)
  caseId!: string;

  @Field(() => String)
  permitNumber!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'YYYY-MM-DD; default and maximum: A 5 years, B 2 years, C 1 year from today, capped by the contract end and the passport expiry.',
  })
  validUntil?: string | null;
}

@InputType('RefuseWorkPermitInput')
export class RefuseWorkPermitInput {
  @Field(() => ID)
  caseId!: string;

  @Field(() => [String])
  reasons!: string[];
}
