import { Field, InputType } from 'type-graphql';

@InputType('RegisterEmployerInput')
export class RegisterEmployerInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, {
    description: 'Unified social credit code: 18 characters with a valid GB 32100-2015 check character.',
  })
  creditCode!: string;

  @Field(() => [String], { nullable: true, description: 'Full names of the handlers registered for the employer.' })
  handlers?: string[] | null;
}
