import { ageOn, checkDate } from '../../shared/dates.js';
import { HOUSEHOLD_REGISTRATIONS, SEXES, type HouseholdRegistration, type Sex } from '../../shared/vocabulary.js';
import { isIsoAlpha3 } from './nationality.js';

/** The applicant as filed. */
export interface ApplicantInputData {
  fullName: string;
  nationality: string;
  passportNumber: string;
  dateOfBirth: string;
  sex: Sex;
  householdRegistration: HouseholdRegistration;
}

/**
 * The form a passport number is stored and searched in: upper-case, no spaces (the filing
 * rules refuse inner spaces, so every stored number already has this form).
 */
export function normalisePassportNumber(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** Problems of a passport number to search by (empty when it can be one). */
export function passportSearchProblems(normalised: string, field: string): string[] {
  return PASSPORT.test(normalised) ? [] : [`${field} must be 5 to 20 letters and digits (spaces are ignored)`];
}

/** A foreigner employed in China must be an adult. */
export const MIN_WORKING_AGE = 18;

const PASSPORT = /^[A-Z0-9]{5,20}$/;

/**
 * Validates and normalises an applicant (trimmed name, upper-case codes). Adds every problem
 * found to `problems` (prefixed with `path`); `today` is the filing date in Shanghai.
 */
export function parseApplicant(
  input: ApplicantInputData,
  today: string,
  problems: string[],
  path = 'applicant',
): ApplicantInputData {
  const fullName = (input.fullName ?? '').trim().replace(/\s+/g, ' ');
  if (!fullName) problems.push(`${path}.fullName is required`);
  else if (fullName.length > 200) problems.push(`${path}.fullName is longer than 200 characters`);
  const nationality = (input.nationality ?? '').trim().toUpperCase();
  if (!isIsoAlpha3(nationality)) {
    problems.push(
      `${path}.nationality must be an ISO 3166-1 alpha-3 country code (e.g. DEU, USA), got "${input.nationality}"`,
    );
  } else if (nationality === 'CHN') {
    problems.push(`${path}.nationality is CHN: a Chinese citizen needs no foreigner's work permit`);
  }
  const passportNumber = (input.passportNumber ?? '').trim().toUpperCase();
  if (!PASSPORT.test(passportNumber)) {
    problems.push(`${path}.passportNumber must be 5 to 20 letters and digits, got "${input.passportNumber}"`);
  } else if (!/[0-9]/.test(passportNumber)) {
    problems.push(`${path}.passportNumber must contain at least one digit`);
  }
  const dateOfBirth = checkDate(input.dateOfBirth, `${path}.dateOfBirth`, problems);
  if (dateOfBirth) {
    if (dateOfBirth < '1900-01-01') problems.push(`${path}.dateOfBirth ${dateOfBirth} is before 1900`);
    else if (dateOfBirth > today) problems.push(`${path}.dateOfBirth ${dateOfBirth} is in the future`);
    else if (ageOn(dateOfBirth, today) < MIN_WORKING_AGE) {
      problems.push(`${path}.dateOfBirth ${dateOfBirth}: the applicant must be at least ${MIN_WORKING_AGE} years old`);
    }
  }
  if (!(SEXES as readonly string[]).includes(input.sex))
    problems.push(`${path}.sex must be one of ${SEXES.join(', ')}`);
  if (input.householdRegistration === 'NOT_CANCELLED') {
    problems.push(
      `${path}.householdRegistration is NOT_CANCELLED: a person who has not cancelled a household registration in the mainland must cancel it before applying; file the case once it is cancelled`,
    );
  } else if (!(HOUSEHOLD_REGISTRATIONS as readonly string[]).includes(input.householdRegistration)) {
    problems.push(`${path}.householdRegistration must be one of ${HOUSEHOLD_REGISTRATIONS.join(', ')}`);
  }
  return {
    fullName,
    nationality,
    passportNumber,
    dateOfBirth: dateOfBirth ?? '',
    sex: input.sex,
    householdRegistration: input.householdRegistration,
  };
}

/** `E12345678` → `E1234****`: enough to recognise a document, not enough to use it. */
export function maskPassportNumber(passportNumber: string): string {
  const kept = Math.min(5, Math.ceil(passportNumber.length / 2));
  return passportNumber.slice(0, kept) + '*'.repeat(passportNumber.length - kept);
}

/** `1985-06-30` → `1985-**-**`: the year stays (it is what age rules need), the day goes. */
export function maskDateOfBirth(dateOfBirth: string): string {
  return `${dateOfBirth.slice(0, 4)}-**-**`;
}
