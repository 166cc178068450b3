import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** An employer registered in the Service System for Foreigners Working in China. */
@Directive('@key(fields: "id")')
@ObjectType('Employer', {
  description: 'An employer registered in the Service System for Foreigners Working in China.',
})
export class Employer {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Unified social credit code (GB 32100-2015), 18 characters.' })
  creditCode!: string;
}

@ObjectType('EmployerHandler', {
  description: 'A handler registered for the employer: hands in paper materials with their own identity document.',
})
export class EmployerHandler {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  fullName!: string;
}
