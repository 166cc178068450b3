/** Work-permit's own small vocabularies (leaf code: the rules, entities and GraphQL enums all read them). */

export const SEXES = ['FEMALE', 'MALE', 'UNSPECIFIED'] as const;
export type Sex = (typeof SEXES)[number];

/**
 * Whether the applicant ever had a household registration (户口) in the mainland. A person who
 * has not cancelled one must cancel it before applying (seed §6.2): such a case cannot be filed.
 */
export const HOUSEHOLD_REGISTRATIONS = ['NEVER_REGISTERED', 'CANCELLED', 'NOT_CANCELLED'] as const;
export type HouseholdRegistration = (typeof HOUSEHOLD_REGISTRATIONS)[number];

/** Who hands in the work-permit materials at the counter. */
export const PRESENTER_KINDS = ['REGISTERED_HANDLER', 'OTHER_STAFF'] as const;
export type PresenterKind = (typeof PRESENTER_KINDS)[number];
