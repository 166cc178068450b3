import { createHash } from 'node:crypto';
import {
  CATEGORIES,
  IN_MAINLAND_BASES,
  ROUTES,
  type Category,
  type InMainlandBasis,
  type Route,
} from '@onestop/common/contract';
import { parseApplicant, type ApplicantInputData } from '../applicant/applicant.rules.js';
import { checkDate, daysBetween, lastDayOfYears } from '../../shared/dates.js';
import { MAX_VALIDITY_YEARS } from './work-permit-validity.rules.js';

/** The renewal window (DOMAIN.md (cfg)): a renewal is filed 30 to 90 days before the current permits expire. */
export interface RenewalWindow {
  minDaysBeforeExpiry: number;
  maxDaysBeforeExpiry: number;
}
export const DEFAULT_RENEWAL_WINDOW: Readonly<RenewalWindow> = Object.freeze({
  minDaysBeforeExpiry: 30,
  maxDaysBeforeExpiry: 90,
});

/** The permits a renewal renews. */
export interface RenewalData {
  currentWorkPermitNumber: string;
  currentResidencePermitNumber: string;
  currentPermitsExpireOn: string;
}

/** A filing as the agency sends it. */
export interface FilingInput {
  idempotencyKey: string;
  employerId: string;
  route: Route;
  notificationLetterNumber?: string | null;
  inMainlandBasis?: InMainlandBasis | null;
  renewal?: RenewalData | null;
  category: Category;
  points?: number | null;
  applicant: ApplicantInputData;
  attachments: string[];
  contractEndsOn: string;
  passportExpiresOn: string;
}

/** A filing after validation: normalised, and with only the route details its route uses. */
export interface Filing {
  employerId: string;
  route: Route;
  notificationLetterNumber: string | null;
  inMainlandBasis: InMainlandBasis | null;
  renewal: RenewalData | null;
  category: Category;
  points: number | null;
  applicant: ApplicantInputData;
  attachments: string[];
  contractEndsOn: string;
  passportExpiresOn: string;
}

/** Points and category must agree when points are recorded: A ≥ 85, B 60–84, C < 60. */
export function categoryForPoints(points: number): Category {
  if (points >= 85) return 'A';
  if (points >= 60) return 'B';
  return 'C';
}

/**
 * How far ahead a contract end or passport expiry may lie. No passport runs 20 years, and a
 * permit never outlasts 5; a later date is a placeholder ("9999-12-31" for an open-ended
 * contract) or a typo, and would only hide the date that limits the permit.
 */
export const MAX_FUTURE_DATE_YEARS = 20;

const DOCUMENT_NUMBER = /^[A-Z0-9][A-Z0-9/-]{3,39}$/;
export const MAX_ATTACHMENTS = 50;

/**
 * Validates a filing against the rules of DOMAIN.md (routes, categories and points, the
 * renewal window, household registration, dates needed for the permit's validity) and
 * returns it normalised with every problem found. `today` is the filing date (Shanghai).
 * `checkRenewalWindow` is false on resubmission: the window applies to the filing.
 */
export function parseFiling(
  input: FilingInput,
  today: string,
  window: RenewalWindow = DEFAULT_RENEWAL_WINDOW,
  checkRenewalWindow = true,
): { filing: Filing; problems: string[] } {
  const problems: string[] = [];
  if (!(ROUTES as readonly string[]).includes(input.route)) problems.push(`route must be one of ${ROUTES.join(', ')}`);
  if (!(CATEGORIES as readonly string[]).includes(input.category))
    problems.push(`category must be one of ${CATEGORIES.join(', ')}`);

  const notificationLetterNumber = normaliseNumber(input.notificationLetterNumber);
  let inMainlandBasis = input.inMainlandBasis ?? null;
  let renewal: RenewalData | null = null;
  if (input.route === 'NOTIFICATION_LETTER') {
    if (!notificationLetterNumber)
      problems.push('notificationLetterNumber is required for the NOTIFICATION_LETTER route');
    else if (!DOCUMENT_NUMBER.test(notificationLetterNumber)) {
      problems.push(
        `notificationLetterNumber must be 4 to 40 letters, digits, "-" or "/", got "${input.notificationLetterNumber}"`,
      );
    }
  } else if (notificationLetterNumber) {
    problems.push('notificationLetterNumber applies only to the NOTIFICATION_LETTER route');
  }
  if (input.route === 'IN_MAINLAND') {
    if (!inMainlandBasis)
      problems.push(`inMainlandBasis is required for the IN_MAINLAND route (one of ${IN_MAINLAND_BASES.join(', ')})`);
    else if (!(IN_MAINLAND_BASES as readonly string[]).includes(inMainlandBasis))
      problems.push(`inMainlandBasis must be one of ${IN_MAINLAND_BASES.join(', ')}`);
    else if (inMainlandBasis === 'CATEGORY_A_ANY_VALID_VISA' && input.category !== 'A') {
      problems.push('inMainlandBasis CATEGORY_A_ANY_VALID_VISA is only for Category A talents');
    }
  } else if (inMainlandBasis) {
    problems.push('inMainlandBasis applies only to the IN_MAINLAND route');
    inMainlandBasis = null;
  }
  if (input.route === 'RENEWAL') {
    renewal = parseRenewal(input.renewal, today, window, checkRenewalWindow, problems);
  } else if (input.renewal) {
    problems.push('renewal applies only to the RENEWAL route');
  }

  let points: number | null = input.points ?? null;
  if (points !== null) {
    if (!Number.isInteger(points) || points < 0 || points > 1000) {
      problems.push(`points must be a whole number from 0 to 1000, got ${String(points)}`);
      points = null;
    } else if (
      (CATEGORIES as readonly string[]).includes(input.category) &&
      categoryForPoints(points) !== input.category
    ) {
      problems.push(
        `points ${points} make Category ${categoryForPoints(points)}, not ${input.category} (A ≥ 85, B 60–84, C < 60)`,
      );
    }
  }

  const applicant = parseApplicant(input.applicant ?? ({} as ApplicantInputData), today, problems);
  const attachments = parseAttachments(input.attachments, problems);

  const latest = lastDayOfYears(today, MAX_FUTURE_DATE_YEARS);
  const contractEndsOn = checkDate(input.contractEndsOn, 'contractEndsOn', problems);
  if (contractEndsOn && contractEndsOn <= today)
    problems.push(`contractEndsOn ${contractEndsOn} has passed: the employment contract must still run`);
  else if (contractEndsOn && contractEndsOn > latest)
    problems.push(
      `contractEndsOn ${contractEndsOn} is more than ${MAX_FUTURE_DATE_YEARS} years away (latest ${latest}): give the contract's real end date; for an open-ended contract, any date up to ${latest} (a work permit runs at most ${MAX_VALIDITY_YEARS.A} years)`,
    );
  const passportExpiresOn = checkDate(input.passportExpiresOn, 'passportExpiresOn', problems);
  if (passportExpiresOn && passportExpiresOn <= today)
    problems.push(`passportExpiresOn ${passportExpiresOn} has passed: the passport must be valid`);
  else if (passportExpiresOn && passportExpiresOn > latest)
    problems.push(
      `passportExpiresOn ${passportExpiresOn} is more than ${MAX_FUTURE_DATE_YEARS} years away (latest ${latest}): give the expiry date printed in the passport`,
    );

  return {
    filing: {
      employerId: input.employerId,
      route: input.route,
      notificationLetterNumber: input.route === 'NOTIFICATION_LETTER' ? notificationLetterNumber : null,
      inMainlandBasis: input.route === 'IN_MAINLAND' ? inMainlandBasis : null,
      renewal,
      category: input.category,
      points,
      applicant,
      attachments,
      contractEndsOn: contractEndsOn ?? '',
      passportExpiresOn: passportExpiresOn ?? '',
    },
    problems,
  };
}

function parseRenewal(
  input: RenewalData | null | undefined,
  today: string,
  window: RenewalWindow,
  checkWindow: boolean,
  problems: string[],
): RenewalData | null {
  if (!input) {
    problems.push('renewal (the current permits’ numbers and expiry date) is required for the RENEWAL route');
    return null;
  }
  const currentWorkPermitNumber = normaliseNumber(input.currentWorkPermitNumber) ?? '';
  const currentResidencePermitNumber = normaliseNumber(input.currentResidencePermitNumber) ?? '';
  if (!DOCUMENT_NUMBER.test(currentWorkPermitNumber))
    problems.push('renewal.currentWorkPermitNumber must be 4 to 40 letters, digits, "-" or "/"');
  if (!DOCUMENT_NUMBER.test(currentResidencePermitNumber))
    problems.push('renewal.currentResidencePermitNumber must be 4 to 40 letters, digits, "-" or "/"');
  const expires = checkDate(input.currentPermitsExpireOn, 'renewal.currentPermitsExpireOn', problems);
  if (expires && checkWindow) {
    const left = daysBetween(today, expires);
    if (left <= 0) {
      problems.push(
        `renewal.currentPermitsExpireOn ${expires}: the current permits have expired; a renewal is no longer possible, file a new application`,
      );
    } else if (left < window.minDaysBeforeExpiry) {
      problems.push(
        `renewal.currentPermitsExpireOn ${expires} is ${left} days away: a renewal must be filed at least ${window.minDaysBeforeExpiry} days before the current permits expire`,
      );
    } else if (left > window.maxDaysBeforeExpiry) {
      problems.push(
        `renewal.currentPermitsExpireOn ${expires} is ${left} days away: a renewal can be filed at most ${window.maxDaysBeforeExpiry} days before the current permits expire`,
      );
    }
  }
  return { currentWorkPermitNumber, currentResidencePermitNumber, currentPermitsExpireOn: expires ?? '' };
}

function parseAttachments(input: readonly string[] | null | undefined, problems: string[]): string[] {
  const names = (input ?? []).map((a) => (a ?? '').trim().replace(/\s+/g, ' '));
  if (!names.length) problems.push('attachments must list the attachments filed online (at least one)');
  if (names.length > MAX_ATTACHMENTS) problems.push(`attachments lists ${names.length}; at most ${MAX_ATTACHMENTS}`);
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (!n) problems.push(`attachments[${i}] is empty`);
    else if (n.length > 200) problems.push(`attachments[${i}] is longer than 200 characters`);
    else if (seen.has(n.toLowerCase())) problems.push(`attachments[${i}] "${n}" is listed twice`);
    seen.add(n.toLowerCase());
  });
  return names;
}

function normaliseNumber(s: string | null | undefined): string | null {
  const v = (s ?? '').trim().toUpperCase();
  return v === '' ? null : v;
}

/**
 * What makes two filings "the same request" for idempotency (the ledger compares it): the input
 * without its key, with keys sorted and absent or null fields left out, so a field sent as null
 * and one not sent are the same filing (as before the ledger).
 */
export function filingRequest(input: FilingInput): unknown {
  const { idempotencyKey: _key, ...rest } = input;
  return JSON.parse(canonicalJson(rest));
}

/** The hash of `filingRequest`, kept on the case (`wp.case.filing_hash`) as it was before the ledger. */
export function filingHash(input: FilingInput): string {
  const { idempotencyKey: _key, ...rest } = input;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/**
 * The ledger's request of a key copied from before the upgrade whose filing could not be rebuilt
 * from the case's columns (migration WpIdempotencyLedger1796710000001): only its hash is known.
 */
export function legacyFilingHashOf(request: unknown): string | undefined {
  const hash = (request as { legacyFilingHash?: unknown } | null)?.legacyFilingHash;
  return typeof hash === 'string' ? hash : undefined;
}

function canonicalJson(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined && x !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
