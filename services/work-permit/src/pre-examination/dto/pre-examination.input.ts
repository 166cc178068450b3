import { Field, ID, InputType } from 'type-graphql';

@InputType('PassPreExaminationInput')
export class PassPreExaminationInput {
  @Field(() => ID)
  caseId!: string;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@InputType('ReturnItemInput')
export class ReturnItemInput {
  @Field(() => String, { description: 'What to correct, e.g. applicant.passportNumber or an attachment name.' })
  field!: string;

  @Field(() => String, { description: 'What is wrong and how to correct it.' })
  problem!: string;
}

@InputType('ReturnCaseInput')
export class ReturnCaseInput {
  @Field(() => ID)
  caseId!: string;

  @Field(() => [ReturnItemInput], { description: 'Every item to correct: the notification is one-time.' })
  items!: ReturnItemInput[];
}
