/**
 * What an Exit-Entry decision must satisfy (seed §6): an issue names the permit and a validity
 * of at most five years; a refusal gives reasons, and is final.
 */
import { parseIsoDate } from '@onestop/common';

/** The longest validity of a work-type residence permit. */
export const MAX_VALIDITY_YEARS = 5;
export const MAX_REASONS = 20;
export const MAX_REASON_LENGTH = 1000;

const PERMIT_NUMBER = /^[A-Z0-9][A-Z0-9-]{3,31}$/;

export interface IssueInput {
  permitNumber: string;
  validFrom: string;
  validUntil: string;
}

/** The last day a permit valid from `validFrom` may run to: five years on (29 February → 28 February). */
export function latestValidUntil(validFrom: string): string {
  const { year, month, day } = parseIsoDate(validFrom);
  const y = year + MAX_VALIDITY_YEARS;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const d = month === 2 && day === 29 && !leap ? 28 : day;
  return `${String(y).padStart(4, '0')}-${pad(month)}-${pad(d)}`;
}

/** Normalises an issue input, listing every problem. */
export function issueProblems(input: IssueInput): { value: IssueInput; problems: string[] } {
  const problems: string[] = [];
  const permitNumber = (input.permitNumber ?? '').trim().toUpperCase();
  if (!PERMIT_NUMBER.test(permitNumber))
    problems.push('permitNumber must be 4 to 32 letters, digits or dashes, starting with a letter or digit');
  const from = checkDate(input.validFrom, 'validFrom', problems);
  const until = checkDate(input.validUntil, 'validUntil', problems);
  if (from && until) {
    if (until <= from) problems.push(`validUntil (${until}) must be after validFrom (${from})`);
    else if (until > latestValidUntil(from)) {
      problems.push(
        `validUntil (${until}) must be at most ${MAX_VALIDITY_YEARS} years after validFrom, i.e. on or before ${latestValidUntil(from)}`,
      );
    }
  }
  return { value: { permitNumber, validFrom: from ?? '', validUntil: until ?? '' }, problems };
}

/** Normalises refusal reasons (trimmed, non-empty), listing every problem. */
export function refusalProblems(reasons: readonly string[]): { value: string[]; problems: string[] } {
  const problems: string[] = [];
  const value = reasons.map((r) => (r ?? '').trim());
  if (!value.length) problems.push('reasons must give at least one reason for the refusal');
  if (value.length > MAX_REASONS) problems.push(`reasons may list at most ${MAX_REASONS} reasons`);
  value.forEach((r, i) => {
    if (!r) problems.push(`reasons[${i}] is empty`);
    else if (r.length > MAX_REASON_LENGTH)
      problems.push(`reasons[${i}] must be at most ${MAX_REASON_LENGTH} characters`);
  });
  return { value, problems };
}

/** What an issued permit holds: the decision a retry must repeat exactly to get it back. */
export interface IssuedPermit {
  permitNumber: string | null;
  validFrom: string | null;
  validUntil: string | null;
}

/**
 * What differs between the permit as issued and a (normalised) issue request, one line per field
 * ("permitNumber: RP-1 issued, RP-2 requested"). Empty: the request is a retry of the issue.
 */
export function issueDifferences(issued: IssuedPermit, req: IssueInput): string[] {
  const out: string[] = [];
  for (const field of ['permitNumber', 'validFrom', 'validUntil'] as const) {
    if (issued[field] !== req[field]) out.push(`${field}: ${issued[field] ?? 'none'} issued, ${req[field]} requested`);
  }
  return out;
}

/** True when (normalised) refusal reasons repeat the recorded ones: the same reasons, in the same order. */
export function sameReasons(recorded: readonly string[] | null, reasons: readonly string[]): boolean {
  return !!recorded && recorded.length === reasons.length && recorded.every((r, i) => r === reasons[i]);
}

function checkDate(s: string, field: string, problems: string[]): string | null {
  try {
    parseIsoDate(s);
    return s;
  } catch {
    problems.push(`${field} must be a date as YYYY-MM-DD, got ${JSON.stringify(s)}`);
    return null;
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
