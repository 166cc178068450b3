import { Field, ID, InputType } from 'type-graphql';

@InputType('RegisterAgencyInput')
export class RegisterAgencyInput {
  @Field(() => String)
  name!: string;

  @Field(() => [ID], { description: 'The employers that entrust the agency.' })
  employerIds!: string[];
}
