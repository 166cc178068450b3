import { Field, ObjectType, registerEnumType } from 'type-graphql';

export const DECISION_OUTCOMES = ['ISSUED', 'REFUSED'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];
export const DecisionOutcomeEnum = Object.fromEntries(DECISION_OUTCOMES.map((k) => [k, k])) as {
  [K in DecisionOutcome]: K;
};
registerEnumType(DecisionOutcomeEnum, {
  name: 'ResidencePermitDecisionOutcome',
  description: 'ISSUED, or REFUSED (final).',
});

@ObjectType('ResidencePermitDecision', { description: "The Exit-Entry Administration's decision. A refusal is final." })
export class ResidencePermitDecision {
  @Field(() => DecisionOutcomeEnum)
  outcome!: DecisionOutcome;

  @Field(() => String, { nullable: true, description: 'ISSUED only.' })
  permitNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'ISSUED only: first day of validity (YYYY-MM-DD).' })
  validFrom!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'ISSUED only: last day of validity (YYYY-MM-DD), at most 5 years after validFrom.',
  })
  validUntil!: string | null;

  @Field(() => [String], { description: 'REFUSED only: the reasons; empty for an issue.' })
  reasons!: string[];

  @Field(() => String)
  decidedBy!: string;

  @Field(() => String)
  decidedByName!: string;

  @Field(() => Date)
  decidedAt!: Date;
}
