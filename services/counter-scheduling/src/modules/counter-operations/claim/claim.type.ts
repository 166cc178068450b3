import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('PermitClaim', { description: 'Permits and passport handed back together; the case is closed.' })
export class PermitClaim {
  @Field(() => ID)
  caseId!: string;

  @Field(() => ID)
  counterId!: string;

  @Field(() => Date)
  claimedAt!: Date;
}
