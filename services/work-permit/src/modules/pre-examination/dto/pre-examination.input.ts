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
  @Field(() => String, {
    nullable: true,
    description:
      'What to correct, e.g. applicant.passportNumber. May be left out when attachmentId names the attachment (its name is used).',
  })
  field?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The attachment to correct (Case.attachmentFiles.id); its latest version is marked NEEDS_CORRECTION.',
  })
  attachmentId?: string | null;

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
