/**
 * Fixtures for the counter-scheduling tests: cases fed through the event log as work-permit and
 * residence-permit would append them (the event catalogue is the contract), tokens, and a clock
 * moved to counter opening hours.
 */
import { randomUUID } from 'node:crypto';
import { addCalendarDays, shanghaiDate, weekday, WorkingDayCalendar } from '@onestop/common';
import {
  AGENCY_A,
  AGENCY_B,
  agencyToken,
  appendEvent,
  businessNow,
  EMPLOYER,
  ok,
  waitFor,
  type TestSystem,
} from './index.js';

/** Tokens for the roles the counter tests use. */
export async function tokens(sys: TestSystem) {
  return {
    agency: await agencyToken(sys, 0),
    otherAgency: await agencyToken(sys, 1),
    clerk: await sys.token('CLERK', { counterId: 'chaoyang-cbd' }),
    otherClerk: await sys.token('CLERK', { counterId: 'xicheng' }),
    manager: await sys.token('MANAGER'),
    officer: await sys.token('WP_OFFICER'),
  };
}

/** Instant of `date` at `hhmm` in Asia/Shanghai. */
export function shanghai(date: string, hhmm: string): Date {
  return new Date(`${date}T${hhmm}:00+08:00`);
}

/**
 * The first Monday after today (by the system's clock) that is a working day, followed by a
 * working Tuesday, so tests can book "tomorrow" too.
 */
export async function nextWorkingMonday(sys: TestSystem): Promise<string> {
  const calendar = WorkingDayCalendar.fromOfficialData();
  let d = shanghaiDate(await businessNow(sys));
  do d = addCalendarDays(d, 1);
  while (weekday(d) !== 1 || !calendar.isWorkingDay(d) || !calendar.isWorkingDay(addCalendarDays(d, 1)));
  return d;
}

/** Moves the shared clock forward to `target` (never back). */
export async function moveClockTo(sys: TestSystem, target: Date): Promise<void> {
  const now = await businessNow(sys);
  const ms = target.getTime() - now.getTime();
  if (ms < 0) throw new Error(`The clock is already past ${target.toISOString()} (now ${now.toISOString()}).`);
  await sys.advanceClock(ms);
}

export interface CaseOptions {
  category?: 'A' | 'B' | 'C';
  employerId?: string;
  preExamPassed?: boolean;
}

/** A case as work-permit announces it (case.submitted, then case.pre-exam-passed); resolves once counter-scheduling has it. */
export async function seedCase(sys: TestSystem, opts: CaseOptions = {}): Promise<string> {
  const caseId = randomUUID();
  const category = opts.category ?? 'B';
  const employerId = opts.employerId ?? EMPLOYER;
  await appendEvent(sys.sql, {
    type: 'case.submitted',
    source: 'work-permit',
    aggregateId: caseId,
    employerId,
    payload: {
      caseId,
      reference: `OS-2026-${caseId.slice(0, 6)}`,
      employerId,
      agencyId: employerId === EMPLOYER ? AGENCY_A.id : AGENCY_B.id,
      category,
      route: 'NOTIFICATION_LETTER',
      applicant: { fullName: 'Test Applicant', nationality: 'FR', dateOfBirth: '1990-01-01', sex: 'F' },
      filedOn: '2026-11-01',
      submittedAt: new Date().toISOString(),
      preExamDueAt: new Date().toISOString(),
      preExamDueProvisional: false,
    },
  });
  if (opts.preExamPassed !== false) {
    await appendEvent(sys.sql, {
      type: 'case.pre-exam-passed',
      source: 'work-permit',
      aggregateId: caseId,
      employerId,
      payload: { caseId, category, passedAt: new Date().toISOString() },
    });
  }
  await waitForReadiness(sys, caseId, (r) => (opts.preExamPassed !== false ? r.pre_exam_passed === true : true));
  return caseId;
}

/** Waits until the readiness projection of a case satisfies `ok`. */
export async function waitForReadiness(
  sys: TestSystem,
  caseId: string,
  ok: (row: Record<string, unknown>) => boolean,
): Promise<void> {
  await waitFor(
    async () => {
      const r = await sys.sql.query('SELECT * FROM cs.case_readiness WHERE case_id = $1', [caseId]);
      return r.rows[0] && ok(r.rows[0]);
    },
    30_000, // a loaded machine (CI beside a browser) can take seconds per event
    `the readiness projection of case ${caseId}`,
  );
}

/**
 * residence-permit answers a submission with residence-permit.created and its own
 * interview-requirement-changed, in one transaction. Waits for that answer (a loaded machine can
 * take seconds) and for counter-scheduling to have read it, so that what a test reports
 * afterwards is not overwritten by residence-permit's late first word.
 */
export async function settleResidencePermit(sys: TestSystem, caseId: string): Promise<void> {
  const created = await waitFor(
    async () => {
      const r = await sys.sql.query<{ id: string }>(
        `SELECT max(id)::text AS id FROM platform.event_log
          WHERE aggregate_id = $1 AND source = 'residence-permit'
            AND type = 'residence-permit.interview-requirement-changed'`,
        [caseId],
      );
      return r.rows[0]?.id ?? undefined;
    },
    20_000,
    'residence-permit to react to the submission',
  );
  await readinessReached(sys, caseId, created);
}

/** Both checklists as their owners report them (missing items block acceptance). */
export async function reportMaterials(
  sys: TestSystem,
  caseId: string,
  wpMissing: string[],
  rpMissing: string[],
): Promise<void> {
  await appendEvent(sys.sql, {
    type: 'work-permit.materials-changed',
    source: 'work-permit',
    aggregateId: caseId,
    employerId: EMPLOYER,
    payload: { caseId, complete: wpMissing.length === 0, missing: wpMissing },
  });
  const last = await appendEvent(sys.sql, {
    type: 'residence-permit.materials-changed',
    source: 'residence-permit',
    aggregateId: caseId,
    employerId: EMPLOYER,
    payload: { caseId, complete: rpMissing.length === 0, missing: rpMissing },
  });
  await readinessReached(sys, caseId, last);
}

/**
 * Waits until counter-scheduling's readiness projection has applied the event `eventId` (or a
 * later one) of the case. Waiting for the projection to *look* right is not enough: an earlier
 * event with the same values (residence-permit's own interview requirement, say) would satisfy
 * it before the test's event is read.
 */
async function readinessReached(sys: TestSystem, caseId: string, eventId: string): Promise<void> {
  await waitForReadiness(sys, caseId, (r) => BigInt(String(r.last_event_id)) >= BigInt(eventId));
}

/** The interview requirement as residence-permit reports it. */
export async function reportInterview(
  sys: TestSystem,
  caseId: string,
  state: { required: boolean; satisfied: boolean; scheduled: boolean },
): Promise<void> {
  const id = await appendEvent(sys.sql, {
    type: 'residence-permit.interview-requirement-changed',
    source: 'residence-permit',
    aggregateId: caseId,
    employerId: EMPLOYER,
    payload: {
      caseId,
      ...state,
      reason: state.required ? 'face-to-face interview required' : 'exempt: aged 60 or over',
    },
  });
  await readinessReached(sys, caseId, id);
}

/** Both permits decided: work-permit's case.ready-for-claim. */
export async function reportReadyForClaim(sys: TestSystem, caseId: string): Promise<void> {
  await appendEvent(sys.sql, {
    type: 'case.ready-for-claim',
    source: 'work-permit',
    aggregateId: caseId,
    employerId: EMPLOYER,
    payload: {
      caseId,
      reference: 'OS-2026-000001',
      workPermit: 'ISSUED',
      residencePermit: 'ISSUED',
      readyAt: new Date().toISOString(),
    },
  });
  await waitForReadiness(sys, caseId, (r) => r.ready_for_claim === true);
}

/** Counts rows of a cs table matching a WHERE clause. */
export async function count(sys: TestSystem, table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const r = await sys.sql.query<{ n: string }>(`SELECT count(*) AS n FROM cs.${table} WHERE ${where}`, params);
  return Number(r.rows[0]!.n);
}

/** Counts events of a type for an aggregate (or all). */
export async function countEvents(sys: TestSystem, type: string, aggregateId?: string): Promise<number> {
  const r = await sys.sql.query<{ n: string }>(
    `SELECT count(*) AS n FROM platform.event_log WHERE type = $1 AND ($2::text IS NULL OR aggregate_id = $2)`,
    [type, aggregateId ?? null],
  );
  return Number(r.rows[0]!.n);
}

const CALL_NEXT_AT = `mutation ($window: Int!) { callNext(window: $window) { id caseId } }`;
const START_AT = `mutation ($id: ID!) { startService(ticketId: $id) { id status } }`;

/** Calls the next applicant to `window` of the clerk's counter and starts the service; the ticket called. */
export async function serveNextAt(
  sys: TestSystem,
  clerk: string,
  window: number,
): Promise<{ id: string; caseId: string } | null> {
  const called = ok(
    await sys.gql<{ callNext: { id: string; caseId: string } | null }>(CALL_NEXT_AT, { window }, clerk),
  ).callNext;
  if (called) ok(await sys.gql(START_AT, { id: called.id }, clerk));
  return called;
}

/**
 * Brings a checked-in case's applicant to `window` and starts the service, as documents are
 * accepted during a visit being served (decision 0008). Applicants called before it and not
 * served are missed (the next call to the window marks them so). Returns the ticket id.
 */
export async function serveCase(sys: TestSystem, clerk: string, caseId: string, window = 1): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const called = ok(
      await sys.gql<{ callNext: { id: string; caseId: string } | null }>(CALL_NEXT_AT, { window }, clerk),
    ).callNext;
    if (!called) break;
    if (called.caseId !== caseId) continue;
    ok(await sys.gql(START_AT, { id: called.id }, clerk));
    return called.id;
  }
  throw new Error(`case ${caseId} was not in the queue of the clerk's counter`);
}
