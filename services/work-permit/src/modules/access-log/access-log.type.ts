import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { PageInfo } from '@onestop/common';

@ObjectType('AccessLogEntry', {
  description:
    'One read of a case’s personal data by staff, or one search (by passport number, name, prefix or employer).',
})
export class AccessLogEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  actorId!: string;

  @Field(() => String)
  actorRole!: string;

  @Field(() => String)
  actorName!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The case read; null for a search by passport number that found none.',
  })
  caseId!: string | null;

  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field(() => [String], {
    description:
      'The personal fields read, e.g. applicant.passportNumber; search.passportNumber for a search by passport number (the number itself is not logged).',
  })
  fields!: string[];

  @Field(() => String, {
    nullable: true,
    description:
      'What a search looked for (fields search.applicantName, search.passportPrefix, search.referencePrefix, search.employer); null for a read and for the exact passport search.',
  })
  searchText!: string | null;
}

@ObjectType('AccessLogEdge')
export class AccessLogEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => AccessLogEntry)
  node!: AccessLogEntry;
}

@ObjectType('AccessLogConnection')
export class AccessLogConnection {
  @Field(() => [AccessLogEdge])
  edges!: AccessLogEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
