/**
 * The work-permit tests' helpers: a valid filing relative to the system's business clock, and
 * the operations the tests send through the gateway (agency tokens, the clock and error codes
 * are the core's: ./index.ts).
 */
import { addCalendarDays, shanghaiDate } from '@onestop/common';
import { type DomainEvent } from '@onestop/common/contract';
import { businessNow, ok, type TestSystem } from './index.js';

let seq = 0;

/** A valid NOTIFICATION_LETTER filing, Category B, dated from `today` (YYYY-MM-DD, Shanghai). */
export function filing(
  employerId: string,
  today: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  seq++;
  return {
    idempotencyKey: `wp-test-${process.pid}-${seq}-${Math.random().toString(36).slice(2, 10)}`,
    employerId,
    route: 'NOTIFICATION_LETTER',
    notificationLetterNumber: `NL-${today.slice(0, 4)}-${String(seq).padStart(5, '0')}`,
    category: 'B',
    applicant: {
      fullName: `Test Applicant ${seq}`,
      nationality: 'DEU',
      passportNumber: `E${String(12_345_000 + seq)}`,
      dateOfBirth: '1988-06-30',
      sex: 'FEMALE',
      householdRegistration: 'NEVER_REGISTERED',
    },
    attachments: ['Degree certificate', 'Employment contract'],
    contractEndsOn: addCalendarDays(today, 900),
    passportExpiresOn: addCalendarDays(today, 2000),
    ...overrides,
  };
}

/** An adult applicant with this name and passport number (for searches by them). */
export function applicantNamed(fullName: string, passportNumber: string): Record<string, string> {
  return {
    fullName,
    nationality: 'FRA',
    passportNumber,
    dateOfBirth: '1985-03-14',
    sex: 'FEMALE',
    householdRegistration: 'NEVER_REGISTERED',
  };
}

/** Today's date in Shanghai (YYYY-MM-DD) by the system's business clock. */
export async function today(sys: TestSystem): Promise<string> {
  return shanghaiDate(await businessNow(sys));
}

export const CASE_FIELDS = `
  id reference status category points route employerId attachments contractEndsOn passportExpiresOn
  submittedAt resubmittedAt preExamDueAt preExamDueProvisional preExamOverdue acceptedAt readyAt claimedAt withdrawnAt
  routeDetails { notificationLetterNumber inMainlandBasis currentWorkPermitNumber currentResidencePermitNumber currentPermitsExpireOn }
  employer { id name creditCode }
  applicant { fullName nationality passportNumber dateOfBirth sex householdRegistration personalDataMasked }
  returnNotification { items { field problem } returnedAt returnCount }
  workPermit { status permitNumber validFrom validUntil refusalReasons decidedAt }
  workPermitMaterials { presenter presenterName items { item label present verifiedBy verifiedAt } complete missing }
  timeline { at actorId actorName action fromStatus toStatus note }
`;

export interface CaseView {
  id: string;
  reference: string;
  status: string;
  category: string;
  points: number | null;
  route: string;
  employerId: string;
  submittedAt: string;
  resubmittedAt: string | null;
  preExamDueAt: string;
  preExamDueProvisional: boolean;
  preExamOverdue: boolean;
  acceptedAt: string | null;
  readyAt: string | null;
  claimedAt: string | null;
  withdrawnAt: string | null;
  routeDetails: Record<string, string | null>;
  employer: { id: string; name: string; creditCode: string };
  applicant: {
    fullName: string;
    nationality: string;
    passportNumber: string;
    dateOfBirth: string;
    personalDataMasked: boolean;
  };
  returnNotification: { items: { field: string; problem: string }[]; returnedAt: string; returnCount: number } | null;
  workPermit: {
    status: string;
    permitNumber: string | null;
    validFrom: string | null;
    validUntil: string | null;
    refusalReasons: string[] | null;
  };
  workPermitMaterials: {
    presenter: string;
    items: { item: string; present: boolean; verifiedBy: string | null }[];
    complete: boolean;
    missing: string[];
  };
  timeline: {
    action: string;
    fromStatus: string | null;
    toStatus: string | null;
    actorId: string | null;
    note: string | null;
  }[];
}

export const FILE_CASE = `mutation File($i: FileCaseInput!) { fileCase(input: $i) { ${CASE_FIELDS} } }`;
export const GET_CASE = `query Get($id: ID!) { case(id: $id) { ${CASE_FIELDS} } }`;

/** Files a case that must succeed. */
export async function fileCase(sys: TestSystem, token: string, input: Record<string, unknown>): Promise<CaseView> {
  return ok(await sys.gql<{ fileCase: CaseView }>(FILE_CASE, { i: input }, token)).fileCase;
}

/** Reads a case that must exist. */
export async function getCase(sys: TestSystem, token: string, id: string): Promise<CaseView> {
  return ok(await sys.gql<{ case: CaseView }>(GET_CASE, { id }, token)).case;
}

/** Events work-permit appended for one case (optionally of some types), in order. */
export async function eventsOf(
  sys: TestSystem,
  caseId: string,
  types?: string[],
): Promise<Pick<DomainEvent, 'type' | 'payload' | 'employerId' | 'source'>[]> {
  const r = await sys.sql.query<{
    type: string;
    payload: Record<string, unknown>;
    employer_id: string | null;
    source: string;
  }>(
    `SELECT type, payload, employer_id, source FROM platform.event_log
     WHERE aggregate_id = $1 AND source = 'work-permit' ${types ? 'AND type = ANY($2)' : ''} ORDER BY id`,
    types ? [caseId, types] : [caseId],
  );
  return r.rows.map((x) => ({ type: x.type, payload: x.payload, employerId: x.employer_id, source: x.source }));
}

/** Row counts that bad input must not change. */
export async function footprint(
  sys: TestSystem,
): Promise<{ cases: number; events: number; timeline: number; counters: number }> {
  const r = await sys.sql.query<{ cases: string; events: string; timeline: string; counters: string }>(
    `SELECT (SELECT count(*) FROM wp."case") AS cases, (SELECT count(*) FROM platform.event_log WHERE source = 'work-permit') AS events,
            (SELECT count(*) FROM wp.case_timeline) AS timeline, (SELECT coalesce(sum(last_value), 0) FROM wp.case_reference_counter) AS counters`,
  );
  const row = r.rows[0]!;
  return {
    cases: Number(row.cases),
    events: Number(row.events),
    timeline: Number(row.timeline),
    counters: Number(row.counters),
  };
}
