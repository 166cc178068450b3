import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, WorkingDayCalendar } from '@onestop/common';
import { issuanceDue } from '@onestop/common/contract';
import {
  startTestSystem,
  waitFor,
  type TestSystem,
  count,
  countEvents,
  directToSubgraph,
  errorCode,
  moveClockTo,
  nextWorkingMonday,
  ok,
  reportInterview,
  reportMaterials,
  reportReadyForClaim,
  settleResidencePermit,
  seedCase,
  serveCase,
  shanghai,
  tokens,
  OTHER_EMPLOYER,
} from '../testkit/index.js';

const BOOK = `mutation ($caseId: ID!, $counterId: ID!, $slotStart: DateTimeISO!, $key: String!) {
  bookAppointment(caseId: $caseId, counterId: $counterId, slotStart: $slotStart, idempotencyKey: $key) { id letterNumber status }
}`;
const CHECK_IN = `mutation ($caseId: ID!) { checkIn(caseId: $caseId) { id ticketNumber caseId counterId status appointmentId issuedAt } }`;
const CALL_NEXT = `mutation ($window: Int!) { callNext(window: $window) { id ticketNumber caseId status window calledAt waitMinutes } }`;
const START = `mutation ($id: ID!) { startService(ticketId: $id) { id status startedAt } }`;
const COMPLETE = `mutation ($id: ID!) { completeService(ticketId: $id) { id status completedAt } }`;
const ACCEPT = `mutation ($caseId: ID!) {
  acceptDocuments(caseId: $caseId) { caseId receiptNumber counterId acceptedAt issuanceDueAt issuanceDueProvisional }
}`;
const CLAIM = `mutation ($caseId: ID!) { recordClaim(caseId: $caseId) { caseId counterId claimedAt } }`;
const UPDATE = `mutation ($id: ID!, $input: ServiceCounterInput!) { updateServiceCounter(id: $id, input: $input) { id windows } }`;

interface Ticket {
  id: string;
  ticketNumber: string;
  caseId: string;
  counterId: string;
  status: string;
  appointmentId: string | null;
  window: number | null;
}

describe('counter-scheduling: queue, acceptance, claim and no-shows', () => {
  let sys: TestSystem;
  let t: Awaited<ReturnType<typeof tokens>>;
  let monday: string;
  let clerkAt: (counterId: string) => Promise<string>;

  const checkIn = async (caseId: string, token = t.clerk) => sys.gql<{ checkIn: Ticket }>(CHECK_IN, { caseId }, token);
  const book = async (caseId: string, counterId: string, hhmm: string, date = monday) =>
    ok(
      await sys.gql<{ bookAppointment: { id: string } }>(
        BOOK,
        { caseId, counterId, slotStart: shanghai(date, hhmm).toISOString(), key: `q-${caseId}-${hhmm}` },
        t.agency,
      ),
    ).bookAppointment;

  beforeAll(async () => {
    sys = await startTestSystem();
    t = await tokens(sys);
    clerkAt = (counterId) => sys.token('CLERK', { counterId });
    monday = await nextWorkingMonday(sys);
    await moveClockTo(sys, shanghai(monday, '08:00'));
  });
  afterAll(async () => {
    await sys?.stop();
  });

  describe('check-in', () => {
    it('rejects unauthenticated, agency and manager check-ins', async () => {
      const caseId = await seedCase(sys, { category: 'A' });
      expect(errorCode(await checkIn(caseId, ''))).toBe('UNAUTHENTICATED');
      expect(errorCode(await checkIn(caseId, t.agency))).toBe('FORBIDDEN');
      expect(errorCode(await checkIn(caseId, t.manager))).toBe('FORBIDDEN');
      expect(await count(sys, 'ticket', 'case_id = $1', [caseId])).toBe(0);
    });

    it('turns everyone away while the counter is closed', async () => {
      const caseId = await seedCase(sys, { category: 'A' });
      const res = await checkIn(caseId);
      expect(errorCode(res)).toBe('INVALID_TRANSITION');
      expect(res.errors![0]!.extensions!.reason).toBe('COUNTER_CLOSED');
      expect(res.errors![0]!.message).toMatch(/closed now \(open today 09:00–17:00\)/);
    });

    it('lets Category A walk in and turns B/C away without an appointment here today, with the reason', async () => {
      const b = await seedCase(sys, { category: 'B' });
      const elsewhere = await seedCase(sys, { category: 'C' });
      await book(elsewhere, 'dongcheng', '11:00');
      await moveClockTo(sys, shanghai(monday, '10:00'));

      const a = await seedCase(sys, { category: 'A' });
      const walkIn = ok(await checkIn(a)).checkIn;
      expect(walkIn).toMatchObject({ caseId: a, counterId: 'chaoyang-cbd', status: 'WAITING', appointmentId: null });
      expect(walkIn.ticketNumber).toMatch(/^W-\d{3}$/);
      expect(await countEvents(sys, 'queue.ticket-issued', a)).toBe(1);

      const none = await checkIn(b);
      expect(errorCode(none)).toBe('INVALID_TRANSITION');
      expect(none.errors![0]!.extensions!.reason).toBe('NO_APPOINTMENT_TODAY');
      expect(none.errors![0]!.message).toMatch(
        /Turned away: a Category B applicant needs an appointment at chaoyang-cbd today, and it has no booked appointment/,
      );
      const wrongCounter = await checkIn(elsewhere);
      expect(errorCode(wrongCounter)).toBe('INVALID_TRANSITION');
      expect(wrongCounter.errors![0]!.message).toMatch(/its appointment AL-\d{4}-\d{6} is at dongcheng/);
      expect(await count(sys, 'ticket', 'case_id = ANY($1)', [[b, elsewhere]])).toBe(0);

      const tomorrow = await seedCase(sys, { category: 'B' });
      await book(tomorrow, 'chaoyang-cbd', '10:00', addCalendarDays(monday, 1));
      expect(errorCode(await checkIn(tomorrow))).toBe('INVALID_TRANSITION');
    });

    it('checks in a B/C applicant with an appointment here today, once', async () => {
      const b = await seedCase(sys, { category: 'B' });
      const appointment = await book(b, 'chaoyang-cbd', '10:30');
      const ticket = ok(await checkIn(b)).checkIn;
      expect(ticket).toMatchObject({ appointmentId: appointment.id, status: 'WAITING' });
      expect(ticket.ticketNumber).toMatch(/^P-\d{3}$/);
      expect(await count(sys, 'appointment', `id = $1 AND status = 'CHECKED_IN'`, [appointment.id])).toBe(1);
      const again = await checkIn(b);
      expect(errorCode(again)).toBe('CONFLICT');
      expect(again.errors![0]!.message).toMatch(/already checked in/);
    });

    it('refuses a case that has not passed pre-examination, and an unknown case', async () => {
      const pending = await seedCase(sys, { category: 'A', preExamPassed: false });
      const res = await checkIn(pending);
      expect(errorCode(res)).toBe('INVALID_TRANSITION');
      expect(res.errors![0]!.message).toMatch(/not passed pre-examination/);
      expect(errorCode(await checkIn('8b0c2a61-0000-4000-8000-000000000000'))).toBe('NOT_FOUND');
    });
  });

  describe('calling and serving', () => {
    it('calls applicants whose appointment slot has started first, then by ticket', async () => {
      const clerk = await clerkAt('tongzhou');
      const walkIn1 = await seedCase(sys, { category: 'A' });
      const withAppointment = await seedCase(sys, { category: 'B' });
      const walkIn2 = await seedCase(sys, { category: 'A' });
      await book(withAppointment, 'tongzhou', '10:30');
      const w1 = ok(await checkIn(walkIn1, clerk)).checkIn;
      const p = ok(await checkIn(withAppointment, clerk)).checkIn;
      const w2 = ok(await checkIn(walkIn2, clerk)).checkIn;
      expect([w1.ticketNumber, p.ticketNumber, w2.ticketNumber]).toEqual(['W-001', 'P-002', 'W-003']);
      // 10:00: the appointment's slot has not started, so ticket order.
      const first = ok(await sys.gql<{ callNext: Ticket }>(CALL_NEXT, { window: 1 }, clerk)).callNext;
      expect(first.id).toBe(w1.id);
      await moveClockTo(sys, shanghai(monday, '10:31'));
      const second = ok(await sys.gql<{ callNext: Ticket }>(CALL_NEXT, { window: 2 }, clerk)).callNext;
      expect(second.id).toBe(p.id);
      const third = ok(await sys.gql<{ callNext: Ticket }>(CALL_NEXT, { window: 3 }, clerk)).callNext;
      expect(third.id).toBe(w2.id);
      expect(ok(await sys.gql<{ callNext: Ticket | null }>(CALL_NEXT, { window: 4 }, clerk)).callNext).toBeNull();
      expect(await countEvents(sys, 'queue.ticket-called', walkIn1)).toBe(1);
    });

    it('never gives two clerks the same ticket: 10 concurrent callNext for 5 tickets', async () => {
      ok(await sys.gql(UPDATE, { id: 'haidian-zgc', input: { windows: 10 } }, t.manager));
      const clerk = await clerkAt('haidian-zgc');
      const cases = await Promise.all(Array.from({ length: 5 }, () => seedCase(sys, { category: 'A' })));
      for (const c of cases) ok(await checkIn(c, clerk));
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => sys.gql<{ callNext: Ticket | null }>(CALL_NEXT, { window: i + 1 }, clerk)),
      );
      const called = results.map((r) => ok(r).callNext).filter((x): x is Ticket => x !== null);
      expect(called).toHaveLength(5);
      expect(new Set(called.map((c) => c.id)).size).toBe(5);
      expect(new Set(called.map((c) => c.caseId))).toEqual(new Set(cases));
      expect(new Set(called.map((c) => c.window)).size).toBe(5);
      expect(await count(sys, 'ticket', `counter_id = 'haidian-zgc' AND status = 'CALLED'`)).toBe(5);
    });

    it('starts and completes service at the clerk’s own counter, in order', async () => {
      const clerk = await clerkAt('shunyi');
      const caseId = await seedCase(sys, { category: 'A' });
      const other = await seedCase(sys, { category: 'A' });
      ok(await checkIn(caseId, clerk));
      ok(await checkIn(other, clerk));
      expect(errorCode(await sys.gql(CALL_NEXT, { window: 9 }, clerk))).toBe('BAD_USER_INPUT');
      const called = ok(await sys.gql<{ callNext: Ticket }>(CALL_NEXT, { window: 1 }, clerk)).callNext;
      expect(errorCode(await sys.gql(COMPLETE, { id: called.id }, clerk))).toBe('INVALID_TRANSITION');
      expect(errorCode(await sys.gql(START, { id: called.id }, t.clerk))).toBe('FORBIDDEN');
      expect(errorCode(await sys.gql(START, { id: called.id }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await sys.gql(START, { id: 'nope' }, clerk))).toBe('NOT_FOUND');
      expect(
        ok(await sys.gql<{ startService: { status: string } }>(START, { id: called.id }, clerk)).startService.status,
      ).toBe('SERVING');
      const busy = await sys.gql(CALL_NEXT, { window: 1 }, clerk);
      expect(errorCode(busy)).toBe('CONFLICT');
      expect(busy.errors![0]!.message).toMatch(/serving ticket/);
      expect(
        ok(await sys.gql<{ completeService: { status: string } }>(COMPLETE, { id: called.id }, clerk)).completeService
          .status,
      ).toBe('DONE');
      expect(await countEvents(sys, 'queue.service-started', called.caseId)).toBe(1);
      expect(await countEvents(sys, 'queue.service-completed', called.caseId)).toBe(1);
      // Called but never came to the window: calling the next one marks it MISSED.
      const next = ok(await sys.gql<{ callNext: Ticket }>(CALL_NEXT, { window: 1 }, clerk)).callNext;
      ok(await sys.gql(CALL_NEXT, { window: 1 }, clerk));
      expect(await count(sys, 'ticket', `id = $1 AND status = 'MISSED'`, [next.id])).toBe(1);
    });
  });

  describe('acceptance and claim', () => {
    let caseId: string;

    it('refuses acceptance while anything is missing, listing every missing item, and writes nothing', async () => {
      caseId = await seedCase(sys, { category: 'A' });
      await settleResidencePermit(sys, caseId);
      expect(errorCode(await sys.gql(ACCEPT, { caseId }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await sys.gql(ACCEPT, { caseId }, t.agency))).toBe('FORBIDDEN');
      const nothing = await sys.gql(ACCEPT, { caseId }, t.clerk);
      expect(errorCode(nothing)).toBe('INVALID_TRANSITION');
      const initial = nothing.errors![0]!.extensions!.problems as string[];
      expect(initial.slice(0, 2)).toEqual([
        'the applicant has not checked in at counter chaoyang-cbd today',
        'work permit materials: the checklist has not been recorded yet',
      ]);
      // Whatever residence-permit announced (or not yet), its checklist and the interview are listed too.
      expect(initial.some((p) => p.startsWith('residence permit materials'))).toBe(true);
      expect(initial.some((p) => p.startsWith('interview:'))).toBe(true);

      ok(await checkIn(caseId));
      // Decision 0008: while the ticket waits, the visit is the problem, with a stable reason.
      const waiting = await sys.gql(ACCEPT, { caseId }, t.clerk);
      expect(waiting.errors![0]!.extensions).toMatchObject({
        code: 'INVALID_TRANSITION',
        reason: 'VISIT_NOT_BEING_SERVED',
      });
      expect((waiting.errors![0]!.extensions!.problems as string[])[0]).toMatch(
        /^ticket W-\d{3} is still waiting: call it to a window and start the service first$/,
      );
      await serveCase(sys, t.clerk, caseId, 6);
      await reportMaterials(
        sys,
        caseId,
        ['original of the degree certificate'],
        ['2-inch colour photo (white background)', 'accommodation registration'],
      );
      await reportInterview(sys, caseId, { required: true, satisfied: false, scheduled: false });
      const missing = await sys.gql(ACCEPT, { caseId }, t.clerk);
      expect(errorCode(missing)).toBe('INVALID_TRANSITION');
      expect(missing.errors![0]!.extensions!.problems).toEqual([
        'work permit materials missing: original of the degree certificate',
        'residence permit materials missing: 2-inch colour photo (white background)',
        'residence permit materials missing: accommodation registration',
        'interview: required (face-to-face interview required) but neither completed nor scheduled',
      ]);
      expect(missing.errors![0]!.message).toMatch(/accommodation registration/);
      // Checked in at chaoyang-cbd, not at xicheng.
      const elsewhere = await sys.gql(ACCEPT, { caseId }, t.otherClerk);
      expect(elsewhere.errors![0]!.extensions!.problems).toContain(
        'the applicant has not checked in at counter xicheng today',
      );
      expect(await count(sys, 'acceptance', 'case_id = $1', [caseId])).toBe(0);
      expect(await countEvents(sys, 'case.documents-accepted', caseId)).toBe(0);
    });

    it('accepts once everything is in and the interview is scheduled: receipt number and issuance due', async () => {
      await reportMaterials(sys, caseId, [], []);
      await reportInterview(sys, caseId, { required: true, satisfied: false, scheduled: true });
      type Accepted = {
        acceptDocuments: {
          receiptNumber: string;
          counterId: string;
          acceptedAt: string;
          issuanceDueAt: string;
          issuanceDueProvisional: boolean;
        };
      };
      const accepted = ok(await sys.gql<Accepted>(ACCEPT, { caseId }, t.clerk)).acceptDocuments;
      expect(accepted.receiptNumber).toMatch(/^RA-\d{4}-000001$/);
      expect(accepted.counterId).toBe('chaoyang-cbd');
      const due = issuanceDue(WorkingDayCalendar.fromOfficialData(), new Date(accepted.acceptedAt));
      expect(new Date(accepted.issuanceDueAt)).toEqual(due.due);
      expect(accepted.issuanceDueProvisional).toBe(due.provisional);
      const ev = await sys.sql.query(
        `SELECT payload, counter_id FROM platform.event_log WHERE type = 'case.documents-accepted' AND aggregate_id = $1`,
        [caseId],
      );
      expect(ev.rows).toHaveLength(1);
      expect(ev.rows[0].payload).toMatchObject({
        caseId,
        counterId: 'chaoyang-cbd',
        receiptNumber: accepted.receiptNumber,
        issuanceDueAt: due.due.toISOString(),
      });
      const twice = await sys.gql(ACCEPT, { caseId }, t.clerk);
      expect(errorCode(twice)).toBe('INVALID_TRANSITION');
      expect(twice.errors![0]!.message).toMatch(/already accepted/);
    });

    it('records the claim only once both permits are decided, at the counter holding the passport, and only once', async () => {
      expect(errorCode(await sys.gql(CLAIM, { caseId }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await sys.gql(CLAIM, { caseId }, t.agency))).toBe('FORBIDDEN');
      const early = await sys.gql(CLAIM, { caseId }, t.clerk);
      expect(errorCode(early)).toBe('INVALID_TRANSITION');
      expect(early.errors![0]!.message).toMatch(/not ready for claim/);
      await reportReadyForClaim(sys, caseId);
      expect(errorCode(await sys.gql(CLAIM, { caseId }, t.otherClerk))).toBe('FORBIDDEN');
      const claimed = ok(await sys.gql<{ recordClaim: { counterId: string } }>(CLAIM, { caseId }, t.clerk)).recordClaim;
      expect(claimed.counterId).toBe('chaoyang-cbd');
      expect(await countEvents(sys, 'case.claim-recorded', caseId)).toBe(1);
      const twice = await sys.gql(CLAIM, { caseId }, t.clerk);
      expect(errorCode(twice)).toBe('INVALID_TRANSITION');
      expect(twice.errors![0]!.message).toMatch(/already claimed/);
      const neverAccepted = await seedCase(sys, { category: 'A' });
      expect(errorCode(await sys.gql(CLAIM, { caseId: neverAccepted }, t.clerk))).toBe('INVALID_TRANSITION');
      expect(await count(sys, 'claim', 'case_id = $1', [neverAccepted])).toBe(0);
    });

    it('shows appointment, visits, acceptance and claim on the Case, scoped to the agency', async () => {
      const booked = await seedCase(sys, { category: 'B' });
      await book(booked, 'dongcheng', '15:00');
      const foreign = await seedCase(sys, { category: 'B', employerId: OTHER_EMPLOYER });
      const query = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Case {
        id appointment { letterNumber status counterId } visits { ticketNumber issuedAt calledAt startedAt completedAt waitMinutes }
        documentsAcceptance { receiptNumber } claim { counterId claimedAt } } } }`;
      const reps = [caseId, booked, foreign].map((id) => ({ __typename: 'Case', id }));
      type Entities = {
        _entities: ({
          id: string;
          appointment: { status: string } | null;
          visits: { ticketNumber: string; waitMinutes: number | null }[];
          documentsAcceptance: { receiptNumber: string } | null;
          claim: { counterId: string } | null;
        } | null)[];
      };
      const mine = ok(await directToSubgraph<Entities>(sys, 'counter-scheduling', query, { reps }, t.agency))._entities;
      expect(mine[0]).toMatchObject({
        id: caseId,
        appointment: null,
        documentsAcceptance: { receiptNumber: expect.stringMatching(/^RA-/) },
        claim: { counterId: 'chaoyang-cbd' },
      });
      expect(mine[0]!.visits).toHaveLength(1);
      expect(mine[1]).toMatchObject({ id: booked, appointment: { status: 'BOOKED' }, visits: [], claim: null });
      expect(mine[2]).toBeNull();
      const theirs = ok(
        await directToSubgraph<Entities>(sys, 'counter-scheduling', query, { reps }, t.otherAgency),
      )._entities;
      expect(theirs[0]).toBeNull();
      expect(theirs[2]).toMatchObject({ id: foreign, appointment: null });
      const manager = ok(
        await directToSubgraph<Entities>(sys, 'counter-scheduling', query, { reps }, t.manager),
      )._entities;
      expect(manager.every((c) => c !== null)).toBe(true);
    });
  });

  describe('no-shows', () => {
    it('records a no-show when a slot ends without check-in, and not for one checked in', async () => {
      const absent = await seedCase(sys, { category: 'B' });
      const present = await seedCase(sys, { category: 'C' });
      const absentAppointment = await book(absent, 'dongcheng', '11:00');
      const presentAppointment = await book(present, 'chaoyang-cbd', '11:00');
      ok(await checkIn(present));
      await moveClockTo(sys, shanghai(monday, '11:31'));
      await waitFor(
        async () => (await count(sys, 'appointment', `id = $1 AND status = 'NO_SHOW'`, [absentAppointment.id])) === 1,
        10_000,
        'the no-show sweep',
      );
      expect(await countEvents(sys, 'appointment.no-show', absent)).toBe(1);
      expect(await count(sys, 'appointment', `id = $1 AND status = 'CHECKED_IN'`, [presentAppointment.id])).toBe(1);
      expect(await countEvents(sys, 'appointment.no-show', present)).toBe(0);
      const late = await checkIn(absent, await clerkAt('dongcheng'));
      expect(errorCode(late)).toBe('INVALID_TRANSITION');
    });
  });
});
