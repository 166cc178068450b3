import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import {
  VERIFICATION_KINDS,
  VERIFICATION_OUTCOMES,
  type VerificationKind,
  type VerificationOutcome,
} from './verification.entity.js';

export const VerificationKindEnum = Object.fromEntries(VERIFICATION_KINDS.map((k) => [k, k])) as {
  [K in VerificationKind]: K;
};
registerEnumType(VerificationKindEnum, {
  name: 'VerificationKind',
  description:
    'How Exit-Entry verifies: a face-to-face interview (satisfies the interview requirement), a telephone interview, an on-site investigation.',
});

export const VerificationOutcomeEnum = Object.fromEntries(VERIFICATION_OUTCOMES.map((k) => [k, k])) as {
  [K in VerificationOutcome]: K;
};
registerEnumType(VerificationOutcomeEnum, {
  name: 'VerificationOutcome',
  description:
    'CONFIRMED: the facts are as filed. DISCREPANCY: they are not (notes say what). NO_SHOW: the applicant or site could not be reached.',
});

export const VERIFICATION_STATUSES = ['SCHEDULED', 'RECORDED'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];
export const VerificationStatusEnum = Object.fromEntries(VERIFICATION_STATUSES.map((k) => [k, k])) as {
  [K in VerificationStatus]: K;
};
registerEnumType(VerificationStatusEnum, {
  name: 'VerificationStatus',
  description: 'SCHEDULED until its outcome is RECORDED.',
});

@ObjectType('Verification', {
  description: 'One verification by the Exit-Entry Administration, with who scheduled and recorded it, and when.',
})
export class Verification {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  caseId!: string;

  @Field(() => VerificationKindEnum)
  kind!: VerificationKind;

  @Field(() => VerificationStatusEnum)
  status!: VerificationStatus;

  @Field(() => Date)
  scheduledAt!: Date;

  @Field(() => String, { nullable: true })
  location!: string | null;

  @Field(() => String)
  scheduledBy!: string;

  @Field(() => String)
  scheduledByName!: string;

  @Field(() => VerificationOutcomeEnum, { nullable: true })
  outcome!: VerificationOutcome | null;

  @Field(() => String, { nullable: true, description: "The officer's notes; only officers read them." })
  notes!: string | null;

  @Field(() => String, { nullable: true })
  recordedBy!: string | null;

  @Field(() => String, { nullable: true })
  recordedByName!: string | null;

  @Field(() => Date, { nullable: true })
  recordedAt!: Date | null;
}
