import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('DocumentsAcceptance', {
  description: 'Paper materials accepted at a counter; the passport is held from then until the claim.',
})
export class DocumentsAcceptance {
  @Field(() => ID)
  caseId!: string;

  @Field(() => String, { description: 'Receipt of acceptance number, RA-<year>-<6 digits>, gap-free per year.' })
  receiptNumber!: string;

  @Field(() => ID)
  counterId!: string;

  @Field(() => Date)
  acceptedAt!: Date;

  @Field(() => Date, {
    description:
      "Issuance due: the end of the 5th working day after acceptance. The ISSUANCE SLA clock's due, so it follows calendar changes until both permits are decided.",
  })
  issuanceDueAt!: Date;

  @Field(() => Boolean, { description: 'The due depends on a year without an official holiday notice yet.' })
  issuanceDueProvisional!: boolean;
}
