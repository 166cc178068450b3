/**
 * The face-to-face interview rule (seed §6, DOMAIN.md "Interview, proxy and other rules"):
 * an interview is required unless an exemption applies; exempt applicants may be represented
 * by a proxy; Exit-Entry may still demand an interview of an exempt applicant. Pure: every
 * input is a fact stored on the permit, so the rule is tested without a server.
 */
import { parseIsoDate } from '@onestop/common';

/** Every exemption, in the order the guide lists them. */
export const INTERVIEW_EXEMPTIONS = [
  'AGED_60_OR_OVER',
  'MOBILITY_ISSUES',
  'RENEWAL',
  'HIGH_LEVEL_TALENT',
  'URGENTLY_NEEDED_SPECIALIST',
] as const;
export type InterviewExemption = (typeof INTERVIEW_EXEMPTIONS)[number];

/** The grounds an agency declares; age and renewal are read from the filing and never claimed. */
export const CLAIMABLE_GROUNDS = ['MOBILITY_ISSUES', 'HIGH_LEVEL_TALENT', 'URGENTLY_NEEDED_SPECIALIST'] as const;
export type ClaimableGround = (typeof CLAIMABLE_GROUNDS)[number];

/** Where the interview stands: no interview needed, needed but not scheduled, scheduled, done. */
export const INTERVIEW_STATUSES = ['NOT_REQUIRED', 'PENDING', 'SCHEDULED', 'COMPLETED'] as const;
export type InterviewStatus = (typeof INTERVIEW_STATUSES)[number];

/** Aged this or over on the filing date: exempt. */
export const EXEMPTION_AGE = 60;

const DESCRIPTIONS: Readonly<Record<InterviewExemption, string>> = {
  AGED_60_OR_OVER: `aged ${EXEMPTION_AGE} or over on the filing date`,
  MOBILITY_ISSUES: 'mobility issues from illness or other reasons (declared)',
  RENEWAL: 'renewal of the residence permit',
  HIGH_LEVEL_TALENT: 'high-level talent (declared)',
  URGENTLY_NEEDED_SPECIALIST: 'specialised talent urgently needed (declared)',
};

/** The facts the rule reads. */
export interface InterviewFacts {
  /** YYYY-MM-DD; null when the filing did not carry a usable date (then no age exemption). */
  dateOfBirth: string | null;
  /** YYYY-MM-DD (Asia/Shanghai): the age is computed on this date. */
  filedOn: string;
  route: string;
  claimedGrounds: readonly string[];
  /** An EE_OFFICER demanded an interview. */
  demanded: boolean;
  /** A face-to-face interview is recorded as completed (CONFIRMED or DISCREPANCY). */
  faceToFaceCompleted: boolean;
  /** A face-to-face interview is scheduled and its outcome not yet recorded. */
  faceToFaceScheduled: boolean;
}

/** What the rule decides. */
export interface InterviewOutcome {
  required: boolean;
  exemptions: InterviewExemption[];
  /** Why, in words an applicant's handler understands. */
  reason: string;
  completed: boolean;
  scheduled: boolean;
  /** The requirement is met: none required, or a face-to-face interview completed. */
  satisfied: boolean;
  status: InterviewStatus;
  /** A proxy may represent only an exempt applicant. */
  proxyAllowed: boolean;
}

/**
 * Whole years of age on `on`. Someone born on 29 February becomes a year older on 1 March in
 * a common year: the year is complete only once 28 February has ended (and on 29 February
 * in a leap year). The birthday itself counts: on the 60th birthday the age is 60.
 * @throws RangeError when either date is not a valid YYYY-MM-DD date.
 */
export function ageOn(dateOfBirth: string, on: string): number {
  const born = parseIsoDate(dateOfBirth);
  const day = parseIsoDate(on);
  let age = day.year - born.year;
  if (day.month < born.month || (day.month === born.month && day.day < born.day)) age--;
  return age;
}

/** The exemptions that apply, in the guide's order. */
export function exemptionsFor(
  facts: Pick<InterviewFacts, 'dateOfBirth' | 'filedOn' | 'route' | 'claimedGrounds'>,
): InterviewExemption[] {
  const found = new Set<InterviewExemption>();
  if (
    facts.dateOfBirth &&
    isValidDate(facts.dateOfBirth) &&
    isValidDate(facts.filedOn) &&
    ageOn(facts.dateOfBirth, facts.filedOn) >= EXEMPTION_AGE
  ) {
    found.add('AGED_60_OR_OVER');
  }
  if (facts.route === 'RENEWAL') found.add('RENEWAL');
  for (const g of facts.claimedGrounds)
    if ((CLAIMABLE_GROUNDS as readonly string[]).includes(g)) found.add(g as ClaimableGround);
  return INTERVIEW_EXEMPTIONS.filter((e) => found.has(e));
}

/** Decides whether a face-to-face interview is required, and where it stands. */
export function interviewRule(facts: InterviewFacts): InterviewOutcome {
  const exemptions = exemptionsFor(facts);
  const exempt = exemptions.length > 0;
  const required = !exempt || facts.demanded;
  const completed = facts.faceToFaceCompleted;
  const scheduled = facts.faceToFaceScheduled && !completed;
  const list = exemptions.map((e) => DESCRIPTIONS[e]).join('; ');
  let reason: string;
  if (!required) reason = `No face-to-face interview required: ${list}.`;
  else if (exempt)
    reason = `Face-to-face interview demanded by the Exit-Entry Administration although exempt (${list}).`;
  else if (facts.demanded)
    reason = 'Face-to-face interview required: no exemption applies (also demanded by the Exit-Entry Administration).';
  else reason = 'Face-to-face interview required: no exemption applies.';
  const status: InterviewStatus = completed
    ? 'COMPLETED'
    : scheduled
      ? 'SCHEDULED'
      : required
        ? 'PENDING'
        : 'NOT_REQUIRED';
  return {
    required,
    exemptions,
    reason,
    completed,
    scheduled,
    satisfied: !required || completed,
    status,
    proxyAllowed: exempt,
  };
}

/** Words for one exemption (for error messages and docs). */
export function describeExemption(e: InterviewExemption): string {
  return DESCRIPTIONS[e];
}

function isValidDate(s: string): boolean {
  try {
    parseIsoDate(s);
    return true;
  } catch {
    return false;
  }
}
