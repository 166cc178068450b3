import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, shanghaiDate, WorkingDayCalendar } from '@onestop/common';
import { preExamDue } from '@onestop/common/contract';
import {
  appendEvent,
  startTestSystem,
  waitFor,
  type TestSystem,
  AGENCY_A,
  agencyToken,
  CASE_FIELDS,
  errorCode,
  eventsOf,
  fileCase,
  filing,
  footprint,
  getCase,
  businessNow,
  today,
  type CaseView,
} from '../testkit/index.js';

/**
 * How work-permit moves a case on the other subgraphs' events (it owns Case.status,
 * docs/decisions/0003), checks its half of the materials and decides the work permit.
 * Counter-scheduling's and residence-permit's events are appended as they would append them.
 */
let sys: TestSystem;
let agency: string;
let officer: string;
let clerk: string;
let day: string;
const EMP1 = AGENCY_A.employerIds[0];
const COUNTER = 'chaoyang-cbd';

const PASS = `mutation($i: PassPreExaminationInput!) { passPreExamination(input: $i) { id status } }`;
const RECORD = `mutation($i: RecordWorkPermitMaterialInput!) { recordWorkPermitMaterial(input: $i) { ${CASE_FIELDS} } }`;
const PRESENTER = `mutation($i: SetWorkPermitPresenterInput!) { setWorkPermitPresenter(input: $i) { ${CASE_FIELDS} } }`;
const ISSUE = `mutation($i: IssueWorkPermitInput!) { issueWorkPermit(input: $i) { ${CASE_FIELDS} } }`;
const REFUSE = `mutation($i: RefuseWorkPermitInput!) { refuseWorkPermit(input: $i) { ${CASE_FIELDS} } }`;

beforeAll(async () => {
  sys = await startTestSystem();
  agency = await agencyToken(sys, 0);
  officer = await sys.token('WP_OFFICER');
  clerk = await sys.token('CLERK', { counterId: COUNTER });
  day = await today(sys);
});
afterAll(async () => {
  await sys?.stop();
});

async function passedCase(overrides: Record<string, unknown> = {}): Promise<CaseView> {
  const c = await fileCase(sys, agency, filing(EMP1, day, overrides));
  const r = await sys.gql(PASS, { i: { caseId: c.id } }, officer);
  expect(r.errors).toBeUndefined();
  return c;
}

async function waitForStatus(id: string, status: string): Promise<CaseView> {
  return waitFor(
    async () => {
      const c = await getCase(sys, officer, id);
      return c.status === status ? c : undefined;
    },
    10_000,
    `case ${id} to be ${status}`,
  );
}

const cs = (type: string, caseId: string, payload: Record<string, unknown>): Promise<string> =>
  appendEvent(sys.sql, {
    type,
    source: 'counter-scheduling',
    aggregateId: caseId,
    employerId: EMP1,
    counterId: COUNTER,
    payload: { caseId, ...payload },
  });
const rp = (type: string, caseId: string, payload: Record<string, unknown>): Promise<string> =>
  appendEvent(sys.sql, {
    type,
    source: 'residence-permit',
    aggregateId: caseId,
    employerId: EMP1,
    payload: { caseId, ...payload },
  });

function appointment(caseId: string, appointmentId = randomUUID()): Record<string, unknown> {
  return {
    appointmentId,
    counterId: COUNTER,
    letterNumber: `AL-${appointmentId.slice(0, 8)}`,
    slotStart: new Date().toISOString(),
    slotEnd: new Date().toISOString(),
    caseId,
  };
}
const ticket = (n: string): Record<string, unknown> => ({
  ticketId: randomUUID(),
  ticketNumber: n,
  counterId: COUNTER,
  at: new Date().toISOString(),
});
const accepted = (receipt: string): Record<string, unknown> => ({
  counterId: COUNTER,
  receiptNumber: receipt,
  acceptedAt: new Date().toISOString(),
  issuanceDueAt: new Date().toISOString(),
  issuanceDueProvisional: false,
});

/** Records every item of the checklist as present. */
async function completeMaterials(c: CaseView): Promise<CaseView> {
  let last = c;
  for (const item of c.workPermitMaterials.items) {
    const r = await sys.gql<{ recordWorkPermitMaterial: CaseView }>(
      RECORD,
      { i: { caseId: c.id, item: item.item, present: true } },
      clerk,
    );
    expect(r.errors).toBeUndefined();
    last = r.data!.recordWorkPermitMaterial;
  }
  return last;
}

describe('status from the other subgraphs’ events', () => {
  it('booked → cancelled → booked → checked in → accepted; replays and stale events change nothing', async () => {
    const c = await passedCase();
    const first = randomUUID();
    await cs('appointment.booked', c.id, appointment(c.id, first));
    await waitForStatus(c.id, 'APPOINTMENT_BOOKED');
    await cs('appointment.cancelled', c.id, { ...appointment(c.id, first), reason: 'Applicant travelling' });
    await waitForStatus(c.id, 'PRE_EXAM_PASSED');
    const second = randomUUID();
    await cs('appointment.booked', c.id, appointment(c.id, second));
    await waitForStatus(c.id, 'APPOINTMENT_BOOKED');
    // A late cancellation of the replaced appointment must not undo the new booking.
    await cs('appointment.cancelled', c.id, appointment(c.id, first));
    await cs('queue.ticket-issued', c.id, ticket('B017'));
    const checkedIn = await waitForStatus(c.id, 'CHECKED_IN');
    expect(checkedIn.timeline.map((t) => t.action)).toEqual([
      'FILED',
      'PRE_EXAM_PASSED',
      'APPOINTMENT_BOOKED',
      'APPOINTMENT_CANCELLED',
      'APPOINTMENT_BOOKED',
      'CHECKED_IN',
    ]);
    // Replayed/duplicated facts: a second ticket is noted, a second booking is ignored.
    await cs('appointment.booked', c.id, appointment(c.id));
    await cs('queue.ticket-issued', c.id, ticket('B018'));
    const again = await waitFor(async () => {
      const x = await getCase(sys, officer, c.id);
      return x.timeline.at(-1)?.action === 'CHECKED_IN_AGAIN' ? x : undefined;
    });
    expect(again.status).toBe('CHECKED_IN');
    const moves = (await eventsOf(sys, c.id, ['case.status-changed'])).map(
      (e) => `${String(e.payload.from)}→${String(e.payload.to)}`,
    );
    expect(moves).toEqual([
      'NONE→SUBMITTED',
      'SUBMITTED→PRE_EXAM_PASSED',
      'PRE_EXAM_PASSED→APPOINTMENT_BOOKED',
      'APPOINTMENT_BOOKED→PRE_EXAM_PASSED',
      'PRE_EXAM_PASSED→APPOINTMENT_BOOKED',
      'APPOINTMENT_BOOKED→CHECKED_IN',
    ]);
  });

  it('Category A walks in: a ticket straight after the pre-examination checks the case in', async () => {
    const c = await passedCase({ category: 'A' });
    await cs('queue.ticket-issued', c.id, ticket('A001'));
    await waitForStatus(c.id, 'CHECKED_IN');
  });

  it('still waiting when the counter closed: back to PRE_EXAM_PASSED, so it can be booked again', async () => {
    const c = await passedCase({ category: 'B' });
    await cs('appointment.booked', c.id, appointment(c.id));
    await waitForStatus(c.id, 'APPOINTMENT_BOOKED');
    const t = ticket('B201');
    await cs('queue.ticket-issued', c.id, t);
    await waitForStatus(c.id, 'CHECKED_IN');
    await cs('queue.ticket-unserved', c.id, t);
    await waitForStatus(c.id, 'PRE_EXAM_PASSED');
    await cs('appointment.booked', c.id, appointment(c.id));
    await waitForStatus(c.id, 'APPOINTMENT_BOOKED');
  });

  it('called but never came to the window: back to PRE_EXAM_PASSED; checking in again checks it in', async () => {
    const c = await passedCase({ category: 'A' });
    const t = ticket('A301');
    await cs('queue.ticket-issued', c.id, t);
    await waitForStatus(c.id, 'CHECKED_IN');
    await cs('queue.ticket-missed', c.id, t);
    await waitForStatus(c.id, 'PRE_EXAM_PASSED');
    await cs('queue.ticket-issued', c.id, ticket('A302'));
    await waitForStatus(c.id, 'CHECKED_IN');
  });
});

describe('work-permit materials at the counter', () => {
  it('a clerk records every item; the checklist appends what is still missing', async () => {
    const c = await passedCase();
    const item = 'attachment-1-original';
    expect(errorCode(await sys.gql(RECORD, { i: { caseId: c.id, item, present: true } }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await sys.gql(RECORD, { i: { caseId: c.id, item, present: true } }, agency))).toBe('FORBIDDEN');
    // Before check-in the materials are not at the counter.
    expect(errorCode(await sys.gql(RECORD, { i: { caseId: c.id, item, present: true } }, clerk))).toBe(
      'INVALID_TRANSITION',
    );
    await cs('queue.ticket-issued', c.id, ticket('B101'));
    const checkedIn = await waitForStatus(c.id, 'CHECKED_IN');
    expect(checkedIn.workPermitMaterials).toMatchObject({ presenter: 'REGISTERED_HANDLER', complete: false });
    expect(checkedIn.workPermitMaterials.items.map((i) => i.item)).toEqual([
      'attachment-1-original',
      'attachment-1-copy',
      'attachment-2-original',
      'attachment-2-copy',
      'handler-identity-document',
      'applicant-passport',
    ]);
    const before = await footprint(sys);
    const unknown = await sys.gql(RECORD, { i: { caseId: c.id, item: 'birth-certificate', present: true } }, clerk);
    expect(errorCode(unknown)).toBe('BAD_USER_INPUT');
    expect(await footprint(sys)).toEqual(before);

    const one = await sys.gql<{ recordWorkPermitMaterial: CaseView }>(
      RECORD,
      { i: { caseId: c.id, item, present: true } },
      clerk,
    );
    expect(one.data!.recordWorkPermitMaterial.workPermitMaterials.items[0]).toMatchObject({
      item,
      present: true,
      verifiedBy: 'clerk-test',
    });
    const changed = await eventsOf(sys, c.id, ['work-permit.materials-changed']);
    expect(changed.at(-1)!.payload).toEqual({
      caseId: c.id,
      complete: false,
      missing: [
        'Copy of attachment "Degree certificate"',
        'Original of attachment "Employment contract"',
        'Copy of attachment "Employment contract"',
        "Registered handler's identity document",
        "Applicant's original passport",
      ],
    });
    // Another employee instead of the registered handler: letter of introduction and ID.
    const staff = await sys.gql<{ setWorkPermitPresenter: CaseView }>(
      PRESENTER,
      { i: { caseId: c.id, presenter: 'OTHER_STAFF', name: 'Zhou Qi' } },
      clerk,
    );
    expect(staff.data!.setWorkPermitPresenter.workPermitMaterials.items.map((i) => i.item)).toContain(
      'letter-of-introduction',
    );
    const done = await completeMaterials(staff.data!.setWorkPermitPresenter);
    expect(done.workPermitMaterials).toMatchObject({ complete: true, missing: [] });
    expect((await eventsOf(sys, c.id, ['work-permit.materials-changed'])).at(-1)!.payload).toEqual({
      caseId: c.id,
      complete: true,
      missing: [],
    });
  });
});

describe('work-permit decision', () => {
  async function acceptedCase(overrides: Record<string, unknown> = {}): Promise<CaseView> {
    const c = await passedCase(overrides);
    await cs('queue.ticket-issued', c.id, ticket('C001'));
    await waitForStatus(c.id, 'CHECKED_IN');
    // Deciding before acceptance is refused and changes nothing.
    const before = await footprint(sys);
    const early = await sys.gql(ISSUE, { i: { caseId: c.id, permitNumber: `WP${Date.now()}` } }, officer);
    expect(errorCode(early)).toBe('INVALID_TRANSITION');
    expect(early.errors![0]!.message).toMatch(/only after the documents are accepted/);
    expect(await footprint(sys)).toEqual(before);
    await cs(
      'case.documents-accepted',
      c.id,
      accepted(`RA-${day.slice(0, 4)}-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`),
    );
    return waitForStatus(c.id, 'ACCEPTED');
  }

  it('issue (validity by category, capped), then the residence permit → READY_FOR_CLAIM → CLAIMED', async () => {
    const c = await acceptedCase({ category: 'B' });
    expect(errorCode(await sys.gql(ISSUE, { i: { caseId: c.id, permitNumber: 'WP110000000001' } }, agency))).toBe(
      'FORBIDDEN',
    );
    const tooLong = await sys.gql(
      ISSUE,
      { i: { caseId: c.id, permitNumber: 'WP110000000001', validUntil: addCalendarDays(day, 800) } },
      officer,
    );
    expect(errorCode(tooLong)).toBe('BAD_USER_INPUT');
    expect(tooLong.errors![0]!.message).toMatch(/longest validity for Category B/);
    const issued = await sys.gql<{ issueWorkPermit: CaseView }>(
      ISSUE,
      { i: { caseId: c.id, permitNumber: 'WP110000000001' } },
      officer,
    );
    expect(issued.errors).toBeUndefined();
    const twoYears = `${Number(day.slice(0, 4)) + 2}${day.slice(4)}`;
    expect(issued.data!.issueWorkPermit.workPermit).toMatchObject({
      status: 'ISSUED',
      permitNumber: 'WP110000000001',
      validFrom: day,
      validUntil: addCalendarDays(twoYears, -1),
    });
    expect(issued.data!.issueWorkPermit.status).toBe('ACCEPTED');
    expect((await eventsOf(sys, c.id, ['work-permit.issued']))[0]!.payload).toMatchObject({
      permitNumber: 'WP110000000001',
      validFrom: day,
    });
    // Deciding twice is refused and changes nothing.
    const before = await footprint(sys);
    expect(errorCode(await sys.gql(REFUSE, { i: { caseId: c.id, reasons: ['Second thoughts'] } }, officer))).toBe(
      'INVALID_TRANSITION',
    );
    expect(errorCode(await sys.gql(ISSUE, { i: { caseId: c.id, permitNumber: 'WP110000000002' } }, officer))).toBe(
      'INVALID_TRANSITION',
    );
    expect(await footprint(sys)).toEqual(before);

    await rp('residence-permit.issued', c.id, {
      permitNumber: 'RP-1',
      validFrom: day,
      validUntil: addCalendarDays(day, 365),
      decidedAt: new Date().toISOString(),
    });
    const ready = await waitForStatus(c.id, 'READY_FOR_CLAIM');
    expect(ready.readyAt).not.toBeNull();
    expect((await eventsOf(sys, c.id, ['case.ready-for-claim']))[0]!.payload).toMatchObject({
      caseId: c.id,
      workPermit: 'ISSUED',
      residencePermit: 'ISSUED',
    });
    await cs('case.claim-recorded', c.id, { counterId: COUNTER, claimedAt: new Date().toISOString() });
    const claimed = await waitForStatus(c.id, 'CLAIMED');
    expect(claimed.timeline.slice(-4).map((t) => t.action)).toEqual([
      'WORK_PERMIT_ISSUED',
      'RESIDENCE_PERMIT_ISSUED',
      'READY_FOR_CLAIM',
      'CLAIMED',
    ]);
  });

  it('a permit number is issued once; validity is capped by the contract and the passport', async () => {
    const byContract = await acceptedCase({ category: 'A', contractEndsOn: addCalendarDays(day, 200) });
    const dup = await sys.gql(ISSUE, { i: { caseId: byContract.id, permitNumber: 'WP110000000001' } }, officer);
    expect(errorCode(dup)).toBe('CONFLICT');
    const a = await sys.gql<{ issueWorkPermit: CaseView }>(
      ISSUE,
      { i: { caseId: byContract.id, permitNumber: 'WP110000000003' } },
      officer,
    );
    expect(a.data!.issueWorkPermit.workPermit.validUntil).toBe(addCalendarDays(day, 200));
    const byPassport = await acceptedCase({ category: 'A', passportExpiresOn: addCalendarDays(day, 400) });
    const p = await sys.gql<{ issueWorkPermit: CaseView }>(
      ISSUE,
      { i: { caseId: byPassport.id, permitNumber: 'WP110000000004' } },
      officer,
    );
    expect(p.data!.issueWorkPermit.workPermit.validUntil).toBe(addCalendarDays(day, 400));
    const c = await acceptedCase({ category: 'C' });
    const oneYear = `${Number(day.slice(0, 4)) + 1}${day.slice(4)}`;
    const cIssued = await sys.gql<{ issueWorkPermit: CaseView }>(
      ISSUE,
      { i: { caseId: c.id, permitNumber: 'WP110000000005' } },
      officer,
    );
    expect(cIssued.data!.issueWorkPermit.workPermit.validUntil).toBe(addCalendarDays(oneYear, -1));
  });

  it('both refused still makes the case ready for claim (the passport goes back)', async () => {
    const c = await acceptedCase();
    await rp('residence-permit.refused', c.id, {
      reasons: ['Application reasons could not be verified'],
      decidedAt: new Date().toISOString(),
    });
    await waitFor(async () =>
      (await getCase(sys, officer, c.id)).timeline.some((t) => t.action === 'RESIDENCE_PERMIT_REFUSED'),
    );
    expect((await getCase(sys, officer, c.id)).status).toBe('ACCEPTED');
    const empty = await sys.gql(REFUSE, { i: { caseId: c.id, reasons: [] } }, officer);
    expect(errorCode(empty)).toBe('BAD_USER_INPUT');
    const refused = await sys.gql<{ refuseWorkPermit: CaseView }>(
      REFUSE,
      { i: { caseId: c.id, reasons: ['Degree not recognised'] } },
      officer,
    );
    expect(refused.data!.refuseWorkPermit).toMatchObject({
      status: 'READY_FOR_CLAIM',
      workPermit: { status: 'REFUSED', refusalReasons: ['Degree not recognised'] },
    });
    expect((await eventsOf(sys, c.id, ['work-permit.refused', 'case.ready-for-claim'])).map((e) => e.type)).toEqual([
      'work-permit.refused',
      'case.ready-for-claim',
    ]);
  });
});

describe('pre-examination deadlines', () => {
  it('calendar.changed recomputes the due time of open cases it affects, and only those', async () => {
    const b = await fileCase(sys, agency, filing(EMP1, day, { category: 'B' }));
    const a = await fileCase(sys, agency, filing(EMP1, day, { category: 'A' }));
    const passed = await passedCase({ category: 'B' });
    // Close the one-stop service on B's due day: B's clock runs one working day longer; A's ends before it.
    const calendar = WorkingDayCalendar.fromOfficialData();
    const bDueDay = shanghaiDate(new Date(new Date(b.preExamDueAt).getTime() - 1));
    expect(shanghaiDate(new Date(new Date(a.preExamDueAt).getTime() - 1)) < bDueDay).toBe(true);
    await sys.sql.query(
      `INSERT INTO platform.calendar_entry (date, kind, name, created_by, created_at) VALUES ($1, 'CLOSURE', 'Test closure', 'test', now())`,
      [bDueDay],
    );
    await appendEvent(sys.sql, {
      type: 'calendar.changed',
      source: 'counter-scheduling',
      aggregateId: `calendar-${bDueDay.slice(0, 4)}`,
      payload: { years: [Number(bDueDay.slice(0, 4))], reason: 'closure' },
    });
    const moved = await waitFor(async () => {
      const x = await getCase(sys, officer, b.id);
      return x.preExamDueAt !== b.preExamDueAt ? x : undefined;
    });
    const withClosure = WorkingDayCalendar.fromOfficialData({
      loadedYears: [],
      entries: [{ date: bDueDay, kind: 'CLOSURE', name: 'Test closure' }],
    });
    expect(moved.preExamDueAt).toBe(preExamDue(withClosure, new Date(b.submittedAt), 'B').due.toISOString());
    expect(new Date(moved.preExamDueAt).getTime()).toBeGreaterThan(new Date(b.preExamDueAt).getTime());
    expect(calendar.isWorkingDay(bDueDay)).toBe(true);
    const changed = await eventsOf(sys, b.id, ['case.deadline-changed']);
    expect(changed).toHaveLength(1);
    expect(changed[0]!.payload).toMatchObject({
      previousDueAt: b.preExamDueAt,
      dueAt: moved.preExamDueAt,
      kind: 'PRE_EXAMINATION',
    });
    expect(moved.timeline.at(-1)!.action).toBe('PRE_EXAM_DEADLINE_CHANGED');
    expect((await getCase(sys, officer, a.id)).preExamDueAt).toBe(a.preExamDueAt);
    expect(await eventsOf(sys, a.id, ['case.deadline-changed'])).toEqual([]);
    expect(await eventsOf(sys, passed.id, ['case.deadline-changed'])).toEqual([]);
  });

  // Last in the file: the clock only moves forward.
  it('overdue = SUBMITTED past its due time on the business clock', async () => {
    const late = await fileCase(sys, agency, filing(EMP1, day, { category: 'A' }));
    const done = await passedCase({ category: 'A' });
    const query = `{ cases(filter: { overdueOnly: true }, first: 100) { totalCount edges { node { id preExamOverdue } } } }`;
    const before = await sys.gql<{ cases: { edges: { node: { id: string } }[] } }>(query, {}, officer);
    expect(before.data!.cases.edges.map((e) => e.node.id)).not.toContain(late.id);
    const now = await businessNow(sys);
    await sys.advanceClock(new Date(late.preExamDueAt).getTime() - now.getTime() + 60_000);
    const after = await sys.gql<{
      cases: { totalCount: number; edges: { node: { id: string; preExamOverdue: boolean } }[] };
    }>(query, {}, officer);
    const ids = after.data!.cases.edges.map((e) => e.node.id);
    expect(ids).toContain(late.id);
    expect(ids).not.toContain(done.id);
    expect(after.data!.cases.edges.every((e) => e.node.preExamOverdue)).toBe(true);
    expect(after.data!.cases.totalCount).toBe(ids.length);
  });
});
