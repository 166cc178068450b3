import { Field, ObjectType } from 'type-graphql';
import { HouseholdRegistrationEnum, SexEnum } from '../../shared/enums.js';
import type { HouseholdRegistration, Sex } from '../../shared/vocabulary.js';

/** The applicant's columns of a case (the case entity has them; applicant does not depend on case). */
export interface ApplicantColumns {
  id: string;
  employerId: string;
  applicantFullName: string;
  applicantNationality: string;
  applicantSex: Sex;
  applicantHouseholdRegistration: HouseholdRegistration;
  applicantPassportNumber: string;
  applicantDateOfBirth: string;
}

/**
 * The applicant of a case. Passport number and date of birth are personal data: resolved by
 * ApplicantResolver, masked for roles that do not need them, and logged when staff read them.
 */
@ObjectType('Applicant', {
  description: 'The applicant as filed. Personal data is masked for roles that do not need it.',
})
export class Applicant {
  @Field(() => String)
  fullName!: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-3.' })
  nationality!: string;

  @Field(() => SexEnum)
  sex!: Sex;

  @Field(() => HouseholdRegistrationEnum)
  householdRegistration!: HouseholdRegistration;

  /** Not fields: what the personal-data resolvers need. */
  caseId!: string;
  employerId!: string;
  rawPassportNumber!: string;
  rawDateOfBirth!: string;

  static of(c: ApplicantColumns): Applicant {
    return Object.assign(new Applicant(), {
      fullName: c.applicantFullName,
      nationality: c.applicantNationality,
      sex: c.applicantSex,
      householdRegistration: c.applicantHouseholdRegistration,
      caseId: c.id,
      employerId: c.employerId,
      rawPassportNumber: c.applicantPassportNumber,
      rawDateOfBirth: c.applicantDateOfBirth,
    });
  }
}
