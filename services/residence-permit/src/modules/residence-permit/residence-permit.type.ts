import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '@onestop/common';
import { RESIDENCE_PERMIT_STATUSES, type ResidencePermitStatus } from './residence-permit.entity.js';

export const ResidencePermitStatusEnum = Object.fromEntries(RESIDENCE_PERMIT_STATUSES.map((s) => [s, s])) as {
  [K in ResidencePermitStatus]: K;
};
registerEnumType(ResidencePermitStatusEnum, {
  name: 'ResidencePermitStatus',
  description:
    'AWAITING_DOCUMENTS until the counter accepts the documents, UNDER_REVIEW until Exit-Entry decides; a refusal is final.',
  valuesConfig: {
    AWAITING_DOCUMENTS: { description: 'Filed; the counter has not accepted the paper documents yet.' },
    UNDER_REVIEW: { description: 'Documents accepted, passport held; Exit-Entry reviews.' },
    ISSUED: { description: 'The residence permit was issued.' },
    REFUSED: { description: 'The residence permit was refused. Final: nothing changes it.' },
    WITHDRAWN: { description: 'The agency withdrew the case before acceptance.' },
  },
});

/**
 * The GraphQL view of a permit. Resolvers return the entity itself; the scalar fields below
 * read its properties and the nested parts (materials, interview, …) have field resolvers.
 */
@ObjectType('ResidencePermit', {
  description: 'The work-type residence permit application of a case (Exit-Entry Administration).',
})
export class ResidencePermit {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  caseId!: string;

  @Field(() => String, { description: 'The case reference, e.g. OS-2026-000123.' })
  caseReference!: string;

  @Field(() => ID)
  employerId!: string;

  @Field(() => String, { description: 'Talent category A, B or C.' })
  category!: string;

  @Field(() => String, { description: 'NOTIFICATION_LETTER, IN_MAINLAND or RENEWAL.' })
  route!: string;

  @Field(() => String, {
    description: 'Filing date (Asia/Shanghai, YYYY-MM-DD); the interview rule computes the age on it.',
  })
  filedOn!: string;

  @Field(() => ResidencePermitStatusEnum)
  status!: ResidencePermitStatus;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

/** Case as seen by residence-permit: it adds `residencePermit`. */
@Directive('@key(fields: "id")')
@ObjectType('Case')
export class CaseRef {
  @Field(() => ID)
  id!: string;
}

@ObjectType('ResidencePermitEdge')
export class ResidencePermitEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => ResidencePermit)
  node!: ResidencePermit;
}

@ObjectType('ResidencePermitConnection', { description: 'A page of residence permits, oldest filing first.' })
export class ResidencePermitConnection {
  @Field(() => [ResidencePermitEdge])
  edges!: ResidencePermitEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
