import { GraphQLISODateTime, Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '@onestop/common';
import {
  type CaseStatus,
  type Category,
  type InMainlandBasis,
  type PermitDecisionStatus,
  type Route,
} from '@onestop/common/contract';
import {
  CaseRouteEnum,
  CaseStatusEnum,
  InMainlandBasisEnum,
  PermitDecisionStatusEnum,
  TalentCategoryEnum,
} from '../../shared/enums.js';
import type { CaseFilterData } from './case-query.service.js';
import type { CaseEntity } from './case.entity.js';

/**
 * The GraphQL `Case` entity; work-permit owns it and resolves it by id. Resolvers return the
 * CaseEntity itself: simple fields read its properties, the nested ones are field resolvers.
 */
@Directive('@key(fields: "id")')
@ObjectType('Case', { description: 'One application for both permits; they travel together.' })
export class Case {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Human-readable reference, e.g. OS-2026-000123.' })
  reference!: string;

  @Field(() => CaseStatusEnum)
  status!: CaseStatus;

  @Field(() => TalentCategoryEnum)
  category!: Category;

  @Field(() => Int, { nullable: true, description: 'The points record, when given (A ≥ 85, B 60–84, C < 60).' })
  points!: number | null;

  @Field(() => CaseRouteEnum)
  route!: Route;

  @Field(() => ID)
  employerId!: string;

  @Field(() => [String], {
    description: 'Attachments filed online; the counter checks the original and a copy of each.',
    deprecationReason:
      'Use attachmentFiles { name } (with the files, their versions and pre-examination verdicts). Deprecated 2026-12-06; removed no earlier than 2027-06-30.',
  })
  attachments!: string[];

  @Field(() => String, { description: 'YYYY-MM-DD: the end of the employment contract (caps the permit validity).' })
  contractEndsOn!: string;

  @Field(() => String, { description: 'YYYY-MM-DD: passport expiry (caps the permit validity).' })
  passportExpiresOn!: string;

  @Field(() => GraphQLISODateTime, { description: 'The online filing.' })
  submittedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The latest resubmission after a return.' })
  resubmittedAt!: Date | null;

  @Field(() => GraphQLISODateTime, {
    description:
      'Pre-examination due time of the latest (re)submission: end of the 1st (A) or 3rd (B/C) working day after it. Runs only while SUBMITTED.',
  })
  preExamDueAt!: Date;

  @Field(() => Boolean, {
    description:
      'The due time depends on a year without an official holiday notice yet; it is recomputed when one is loaded.',
  })
  preExamDueProvisional!: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true })
  preExamPassedAt!: Date | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'Documents accepted at the counter (receipt of acceptance issued, passport held).',
  })
  acceptedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  readyAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  claimedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  withdrawnAt!: Date | null;
}

@ObjectType('RouteDetails', {
  description: 'What the route needs: the Notification Letter, the in-mainland basis, or the permits being renewed.',
})
export class RouteDetails {
  @Field(() => String, { nullable: true })
  notificationLetterNumber!: string | null;

  @Field(() => InMainlandBasisEnum, { nullable: true })
  inMainlandBasis!: InMainlandBasis | null;

  @Field(() => String, { nullable: true })
  currentWorkPermitNumber!: string | null;

  @Field(() => String, { nullable: true })
  currentResidencePermitNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  currentPermitsExpireOn!: string | null;
}

@ObjectType('ReturnItem')
export class ReturnItemType {
  @Field(() => String, { description: 'What to correct (a field or an attachment).' })
  field!: string;

  @Field(() => String, { description: 'What is wrong with it.' })
  problem!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The attachment to correct (Case.attachmentFiles.id): upload a new version of it, then resubmit.',
  })
  attachmentId!: string | null;
}

@ObjectType('ReturnNotification', {
  description: 'The one-time notification of a pre-examination return: every item to correct.',
})
export class ReturnNotification {
  @Field(() => [ReturnItemType])
  items!: ReturnItemType[];

  @Field(() => GraphQLISODateTime)
  returnedAt!: Date;

  @Field(() => Int, { description: 'How many times the case has been returned.' })
  returnCount!: number;
}

@ObjectType('WorkPermitDecision', { description: "The Talents Center's decision on the work permit." })
export class WorkPermitDecision {
  @Field(() => PermitDecisionStatusEnum)
  status!: PermitDecisionStatus;

  @Field(() => String, { nullable: true })
  permitNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  validFrom!: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  validUntil!: string | null;

  @Field(() => [String], { nullable: true })
  refusalReasons!: string[] | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  decidedAt!: Date | null;
}

@ObjectType('TimelineEntry', { description: 'One line of a case’s history: who did what, when.' })
export class TimelineEntry {
  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field(() => String, { nullable: true, description: 'The person (token subject) or null for the system.' })
  actorId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Their display name, or the subgraph whose event made the change.',
  })
  actorName!: string | null;

  @Field(() => String, {
    description:
      'e.g. FILED, RETURNED, RESUBMITTED, PRE_EXAM_PASSED, APPOINTMENT_BOOKED, CHECKED_IN, MATERIAL_RECORDED, DOCUMENTS_ACCEPTED, WORK_PERMIT_ISSUED.',
  })
  action!: string;

  @Field(() => CaseStatusEnum, { nullable: true })
  fromStatus!: CaseStatus | null;

  @Field(() => CaseStatusEnum, { nullable: true })
  toStatus!: CaseStatus | null;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

@ObjectType('CaseEdge')
export class CaseEdge {
  @Field(() => String)
  cursor!: string;

  /** A `Case` in the schema; the entity itself here, as every query and mutation answers (its field resolvers read it). */
  @Field(() => Case)
  node!: CaseEntity;
}

/** A page of cases. `totalCount` is a separate statement, run only when asked for. */
@ObjectType('CaseConnection')
export class CaseConnection {
  @Field(() => [CaseEdge])
  edges!: CaseEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Not a field: what totalCount counts. */
  filter!: CaseFilterData | null;
}
