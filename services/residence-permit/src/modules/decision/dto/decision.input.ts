import { Field, InputType } from 'type-graphql';

@InputType('IssueResidencePermitInput')
export class IssueResidencePermitInput {
  @Field(() => String, {
    description: 'The permit number: 4 to 32 letters, digits or dashes (stored upper-case, unique).',
  })
  permitNumber!: string;

  @Field(() => String, { description: 'First day of validity, YYYY-MM-DD.' })
  validFrom!: string;

  @Field(() => String, { description: 'Last day of validity, YYYY-MM-DD: after validFrom, at most 5 years later.' })
  validUntil!: string;
}
