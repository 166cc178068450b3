import { Field, GraphQLISODateTime, ID, InputType, Int } from 'type-graphql';
import type { CaseStatus, Category, InMainlandBasis, Route } from '@onestop/common/contract';
import type { HouseholdRegistration, Sex } from '../../../shared/vocabulary.js';
import {
  CaseRouteEnum,
  CaseStatusEnum,
  HouseholdRegistrationEnum,
  InMainlandBasisEnum,
  SexEnum,
  TalentCategoryEnum,
} from '../../../shared/enums.js';
import { CaseSearchByEnum, type CaseSearchBy } from '../case-search.js';

@InputType('ApplicantInput')
export class ApplicantInput {
  @Field(() => String)
  fullName!: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-3, e.g. DEU.' })
  nationality!: string;

  @Field(() => String)
  passportNumber!: string;

  @Field(() => String, { description: 'YYYY-MM-DD' })
  dateOfBirth!: string;

  @Field(() => SexEnum)
  sex!: Sex;

  @Field(() => HouseholdRegistrationEnum)
  householdRegistration!: HouseholdRegistration;
}

@InputType('ApplicantCorrectionInput', { description: 'Only the applicant fields to correct.' })
export class ApplicantCorrectionInput {
  @Field(() => String, { nullable: true })
  fullName?: string | null;

  @Field(() => String, { nullable: true })
  nationality?: string | null;

  @Field(() => String, { nullable: true })
  passportNumber?: string | null;

  @Field(() => String, { nullable: true })
  dateOfBirth?: string | null;

  @Field(() => SexEnum, { nullable: true })
  sex?: Sex | null;

  @Field(() => HouseholdRegistrationEnum, { nullable: true })
  householdRegistration?: HouseholdRegistration | null;
}

@InputType('RenewalInput', { description: 'The permits a RENEWAL renews; filed 30 to 90 days before they expire.' })
export class RenewalInput {
  @Field(() => String)
  currentWorkPermitNumber!: string;

  @Field(() => String)
  currentResidencePermitNumber!: string;

  @Field(() => String, { description: 'YYYY-MM-DD' })
  currentPermitsExpireOn!: string;
}

@InputType('FileCaseInput')
export class FileCaseInput {
  @Field(() => String, {
    description: 'Retry with the same key and input to get the same case; a new filing needs a new key.',
  })
  idempotencyKey!: string;

  @Field(() => ID, { description: 'One of the employers your agency acts for.' })
  employerId!: string;

  @Field(() => CaseRouteEnum)
  route!: Route;

  @Field(() => String, { nullable: true, description: 'NOTIFICATION_LETTER: the letter’s number.' })
  notificationLetterNumber?: string | null;

  @Field(() => InMainlandBasisEnum, { nullable: true, description: 'IN_MAINLAND: the basis.' })
  inMainlandBasis?: InMainlandBasis | null;

  @Field(() => RenewalInput, { nullable: true, description: 'RENEWAL: the current permits.' })
  renewal?: RenewalInput | null;

  @Field(() => TalentCategoryEnum)
  category!: Category;

  @Field(() => Int, { nullable: true, description: 'Optional points record; must agree with the category.' })
  points?: number | null;

  @Field(() => ApplicantInput)
  applicant!: ApplicantInput;

  @Field(() => [String], { description: 'Names of the attachments filed online.' })
  attachments!: string[];

  @Field(() => String, { description: 'YYYY-MM-DD' })
  contractEndsOn!: string;

  @Field(() => String, { description: 'YYYY-MM-DD' })
  passportExpiresOn!: string;
}

@InputType('CaseCorrectionsInput', { description: 'What a resubmission corrects; anything left out stays as filed.' })
export class CaseCorrectionsInput {
  @Field(() => TalentCategoryEnum, { nullable: true })
  category?: Category | null;

  @Field(() => Int, { nullable: true })
  points?: number | null;

  @Field(() => String, { nullable: true })
  notificationLetterNumber?: string | null;

  @Field(() => InMainlandBasisEnum, { nullable: true })
  inMainlandBasis?: InMainlandBasis | null;

  @Field(() => RenewalInput, { nullable: true })
  renewal?: RenewalInput | null;

  @Field(() => ApplicantCorrectionInput, { nullable: true })
  applicant?: ApplicantCorrectionInput | null;

  @Field(() => [String], { nullable: true })
  attachments?: string[] | null;

  @Field(() => String, { nullable: true })
  contractEndsOn?: string | null;

  @Field(() => String, { nullable: true })
  passportExpiresOn?: string | null;
}

@InputType('ResubmitCaseInput')
export class ResubmitCaseInput {
  @Field(() => ID)
  caseId!: string;

  @Field(() => CaseCorrectionsInput, { nullable: true })
  corrections?: CaseCorrectionsInput | null;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@InputType('WithdrawCaseInput')
export class WithdrawCaseInput {
  @Field(() => ID)
  caseId!: string;

  @Field(() => String, { nullable: true })
  reason?: string | null;
}

@InputType('CaseSearchInput')
export class CaseSearchInput {
  @Field(() => CaseSearchByEnum)
  by!: CaseSearchBy;

  @Field(() => String, {
    description:
      'At most 100 characters. Names and employers: at least 3 letters or digits, or 1 Chinese character; prefixes: at least 3 characters.',
  })
  text!: string;
}

@InputType('CaseFilter')
export class CaseFilter {
  @Field(() => [CaseStatusEnum], { nullable: true })
  status?: CaseStatus[] | null;

  @Field(() => [TalentCategoryEnum], { nullable: true })
  category?: Category[] | null;

  @Field(() => [CaseRouteEnum], { nullable: true })
  route?: Route[] | null;

  @Field(() => ID, { nullable: true })
  employerId?: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Filed at or after.' })
  submittedFrom?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Filed before.' })
  submittedTo?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Pre-examination due at or after.' })
  dueFrom?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Pre-examination due before.' })
  dueTo?: Date | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Only SUBMITTED cases whose pre-examination due time has passed.',
  })
  overdueOnly?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Exact match on the applicant's passport number (case and spaces ignored). Officers and clerks only (FORBIDDEN for agencies and managers); every search is written to the access log.",
  })
  passportNumber?: string | null;

  @Field(() => CaseSearchInput, {
    nullable: true,
    description:
      'A search (by applicant name, passport or reference prefix, or employer name); every search is written to the access log with its text.',
  })
  search?: CaseSearchInput | null;
}
