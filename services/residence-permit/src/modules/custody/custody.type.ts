import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('PassportCustody', {
  description:
    'The passport held from acceptance until the claim (the receipt of acceptance is proof of residence meanwhile).',
})
export class PassportCustody {
  @Field(() => Boolean, { description: 'Still held.' })
  held!: boolean;

  @Field(() => String, { description: 'The receipt of acceptance, RA-<year>-<6 digits>.' })
  receiptNumber!: string;

  @Field(() => Date)
  heldSince!: Date;

  @Field(() => String, { nullable: true, description: 'The counter that accepted the documents.' })
  counterId!: string | null;

  @Field(() => Date, { nullable: true })
  releasedAt!: Date | null;

  @Field(() => String, { nullable: true })
  releasedCounterId!: string | null;

  @Field(() => Int, { description: 'Working days after the day of acceptance, up to the release or today.' })
  workingDaysHeld!: number;
}

@ObjectType('ReceiptOfAcceptanceCheck', {
  description:
    'The public check of a receipt of acceptance. It reveals only whether the receipt is valid now and the day it was issued: never a name, a case or a passport number. A receipt is valid only while the passport is held; after the claim, or for a number never issued, valid is false and issuedOn null.',
})
export class ReceiptOfAcceptanceCheck {
  @Field(() => Boolean)
  valid!: boolean;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (Asia/Shanghai); null unless valid.' })
  issuedOn!: string | null;
}
