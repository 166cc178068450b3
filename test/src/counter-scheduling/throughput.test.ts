/**
 * The manager's day through the gateway: throughput per hour (`cityThroughput`), the city load
 * over the day (`cityLoadHistory`), and the issuance due of an acceptance following the ISSUANCE
 * clock when the calendar changes. One counter's Monday is played on the shared clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, WorkingDayCalendar } from '@onestop/common';
import { EVENT_TYPES, issuanceDue } from '@onestop/common/contract';
import {
  appendEvent,
  startTestSystem,
  waitFor,
  type TestSystem,
  errorCode,
  moveClockTo,
  nextWorkingMonday,
  ok,
  reportInterview,
  reportMaterials,
  reportReadyForClaim,
  seedCase,
  settleResidencePermit,
  shanghai,
  tokens,
  EMPLOYER,
  AGENCY_A,
  agencyToken,
  fileCase,
  filing,
  today,
} from '../testkit/index.js';

const COUNTER = 'chaoyang-cbd';
const CHECK_IN = `mutation ($caseId: ID!) { checkIn(caseId: $caseId) { id status } }`;
const CALL_NEXT = `mutation ($window: Int!) { callNext(window: $window) { id caseId } }`;
const START = `mutation ($id: ID!) { startService(ticketId: $id) { id } }`;
const COMPLETE = `mutation ($id: ID!) { completeService(ticketId: $id) { id } }`;
const ACCEPT = `mutation ($caseId: ID!) { acceptDocuments(caseId: $caseId) { receiptNumber issuanceDueAt } }`;
const CLAIM = `mutation ($caseId: ID!) { recordClaim(caseId: $caseId) { claimedAt } }`;
const THROUGHPUT = `query ($date: String!, $counterId: ID) {
  cityThroughput(date: $date, counterId: $counterId) { hour accepted issued claimed }
}`;
const HISTORY = `query ($date: String!, $bucket: Int) {
  cityLoadHistory(date: $date, bucketMinutes: $bucket) { at waiting beingServed }
}`;
const HISTORY_DEFAULT = `query ($date: String!) { cityLoadHistory(date: $date) { at waiting beingServed } }`;

interface Hour {
  hour: string;
  accepted: number;
  issued: number;
  claimed: number;
}
interface Sample {
  at: string;
  waiting: number;
  beingServed: number;
}

describe('counter-scheduling: throughput per hour, load over the day, issuance due', () => {
  let sys: TestSystem;
  let t: Awaited<ReturnType<typeof tokens>>;
  let monday: string;
  /** Seeded (events only): served, accepted, both permits issued, claimed. */
  let served: string;
  /** A real case (filed through work-permit): accepted, permits not decided yet. */
  let open: { id: string; reference: string };

  const at = (hhmm: string): Promise<void> => moveClockTo(sys, shanghai(monday, hhmm));
  const readyToAccept = async (caseId: string): Promise<void> => {
    await settleResidencePermit(sys, caseId);
    await reportMaterials(sys, caseId, [], []);
    await reportInterview(sys, caseId, { required: false, satisfied: true, scheduled: false });
  };
  const serveNext = async (): Promise<string> => {
    const called = ok(await sys.gql<{ callNext: { id: string } }>(CALL_NEXT, { window: 1 }, t.clerk)).callNext;
    ok(await sys.gql(START, { id: called.id }, t.clerk));
    return called.id;
  };

  beforeAll(async () => {
    sys = await startTestSystem();
    t = await tokens(sys);
    monday = await nextWorkingMonday(sys);
    await at('09:00');

    served = await seedCase(sys, { category: 'A' });
    await readyToAccept(served);
    const waiting = await seedCase(sys, { category: 'A' });
    const agency = await agencyToken(sys, 0);
    open = await fileCase(sys, agency, filing(AGENCY_A.employerIds[0], await today(sys), { category: 'A' }));
    ok(
      await sys.gql(
        'mutation ($i: PassPreExaminationInput!) { passPreExamination(input: $i) { id } }',
        { i: { caseId: open.id } },
        t.officer,
      ),
    );
    await waitFor(async () => {
      const r = await sys.sql.query('SELECT pre_exam_passed FROM cs.case_readiness WHERE case_id = $1', [open.id]);
      return r.rows[0]?.pre_exam_passed === true;
    });
    await readyToAccept(open.id);

    // The shared clock runs on after each move, so nothing happens exactly on a 15-minute sample.
    // 10:05 check-in, called 10:20, accepted 10:40, done 10:43; another applicant waits from 10:28 on.
    await at('10:05');
    ok(await sys.gql(CHECK_IN, { caseId: served }, t.clerk));
    await at('10:20');
    const first = await serveNext();
    await at('10:28');
    ok(await sys.gql(CHECK_IN, { caseId: waiting }, t.clerk));
    await at('10:40');
    ok(await sys.gql(ACCEPT, { caseId: served }, t.clerk));
    await at('10:43');
    ok(await sys.gql(COMPLETE, { id: first }, t.clerk));
    // 10:58 the filed case checks in; the window serves the 10:28 walk-in 11:05–11:09, then the filed case 11:09–11:13.
    await at('10:58');
    ok(await sys.gql(CHECK_IN, { caseId: open.id }, t.clerk));
    await at('11:05');
    const second = await serveNext(); // the 10:28 walk-in
    await at('11:09');
    ok(await sys.gql(COMPLETE, { id: second }, t.clerk));
    const third = await serveNext(); // the filed case
    ok(await sys.gql(ACCEPT, { caseId: open.id }, t.clerk));
    await at('11:13');
    ok(await sys.gql(COMPLETE, { id: third }, t.clerk));

    // Both permits of the served case issued in the 14:00 hour; the work permit's event arrives twice.
    await at('14:30');
    const issued = (type: string, decidedAt: string): Promise<string> =>
      appendEvent(sys.sql, {
        type,
        source: type.startsWith('work-permit') ? 'work-permit' : 'residence-permit',
        aggregateId: served,
        employerId: EMPLOYER,
        payload: {
          caseId: served,
          permitNumber: 'P-1',
          validFrom: monday,
          validUntil: addCalendarDays(monday, 365),
          decidedAt: shanghai(monday, decidedAt).toISOString(),
        },
      });
    await issued(EVENT_TYPES.workPermitIssued, '14:10');
    await issued(EVENT_TYPES.residencePermitIssued, '14:20');
    const redelivered = await issued(EVENT_TYPES.workPermitIssued, '14:25');
    await waitFor(async () => {
      const r = await sys.sql.query<{ position: string }>(
        `SELECT position::text AS position FROM platform.consumer_offset WHERE consumer = 'counter-scheduling.permits-issued'`,
      );
      return r.rows.length > 0 && BigInt(r.rows[0]!.position) >= BigInt(redelivered);
    });
    await reportReadyForClaim(sys, served);
    await at('15:30');
    ok(await sys.gql(CLAIM, { caseId: served }, t.clerk));
  });
  afterAll(async () => {
    await sys?.stop();
  });

  describe('cityThroughput', () => {
    it('rejects an unauthenticated caller and an agency', async () => {
      expect(errorCode(await sys.gql(THROUGHPUT, { date: monday }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await sys.gql(THROUGHPUT, { date: monday }, t.agency))).toBe('FORBIDDEN');
    });

    it('lists every problem with bad arguments, and knows no unknown counter', async () => {
      const bad = await sys.gql(THROUGHPUT, { date: '2026-02-30', counterId: '' }, t.manager);
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      expect(bad.errors![0]!.extensions!.problems).toEqual([
        expect.stringMatching(/^date: "2026-02-30" is not a date that exists/),
        'counterId must not be empty',
      ]);
      expect(errorCode(await sys.gql(THROUGHPUT, { date: monday, counterId: 'atlantis' }, t.manager))).toBe(
        'NOT_FOUND',
      );
    });

    it('counts per hour the documents accepted, each permit issued once, and the claims', async () => {
      const rows = ok(
        await sys.gql<{ cityThroughput: Hour[] }>(THROUGHPUT, { date: monday }, t.manager),
      ).cityThroughput;
      expect(rows).toHaveLength(24);
      expect(rows.map((r) => r.hour)).toEqual(
        Array.from({ length: 24 }, (_, h) =>
          new Date(shanghai(monday, '00:00').getTime() + h * 3_600_000).toISOString(),
        ),
      );
      const busy = Object.fromEntries(
        rows.filter((r) => r.accepted + r.issued + r.claimed > 0).map((r) => [r.hour, r]),
      );
      const hour = (h: string): string => shanghai(monday, h).toISOString();
      expect(busy).toEqual({
        [hour('10:00')]: { hour: hour('10:00'), accepted: 1, issued: 0, claimed: 0 },
        [hour('11:00')]: { hour: hour('11:00'), accepted: 1, issued: 0, claimed: 0 },
        [hour('14:00')]: { hour: hour('14:00'), accepted: 0, issued: 2, claimed: 0 },
        [hour('15:00')]: { hour: hour('15:00'), accepted: 0, issued: 0, claimed: 1 },
      });
    });

    it('narrows to one counter (permits count where their case was accepted), for officers and clerks too', async () => {
      const sum = (rows: Hour[]) =>
        rows.reduce(
          (s, r) => ({
            accepted: s.accepted + r.accepted,
            issued: s.issued + r.issued,
            claimed: s.claimed + r.claimed,
          }),
          {
            accepted: 0,
            issued: 0,
            claimed: 0,
          },
        );
      const here = ok(
        await sys.gql<{ cityThroughput: Hour[] }>(THROUGHPUT, { date: monday, counterId: COUNTER }, t.officer),
      ).cityThroughput;
      expect(sum(here)).toEqual({ accepted: 2, issued: 2, claimed: 1 });
      const elsewhere = ok(
        await sys.gql<{ cityThroughput: Hour[] }>(THROUGHPUT, { date: monday, counterId: 'xicheng' }, t.otherClerk),
      ).cityThroughput;
      expect(elsewhere).toHaveLength(24);
      expect(sum(elsewhere)).toEqual({ accepted: 0, issued: 0, claimed: 0 });
      const dayBefore = ok(
        await sys.gql<{ cityThroughput: Hour[] }>(THROUGHPUT, { date: addCalendarDays(monday, -1) }, t.manager),
      ).cityThroughput;
      expect(sum(dayBefore)).toEqual({ accepted: 0, issued: 0, claimed: 0 });
    });
  });

  describe('cityLoadHistory', () => {
    it('rejects an unauthenticated caller and an agency', async () => {
      expect(errorCode(await sys.gql(HISTORY, { date: monday }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await sys.gql(HISTORY, { date: monday }, t.agency))).toBe('FORBIDDEN');
    });

    it('lists every problem with bad arguments', async () => {
      const bad = await sys.gql(HISTORY, { date: 'monday', bucket: 2 }, t.manager);
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      expect(bad.errors![0]!.extensions!.problems).toEqual([
        'date: "monday" is not a date in the form YYYY-MM-DD.',
        'bucketMinutes must be a whole number from 5 to 240, got 2',
      ]);
    });

    it('samples the day so far every 15 minutes from the tickets: waiting, and called or being served', async () => {
      const samples = ok(
        await sys.gql<{ cityLoadHistory: Sample[] }>(HISTORY_DEFAULT, { date: monday }, t.manager),
      ).cityLoadHistory;
      // 00:00 … 15:30 (now), one every 15 minutes.
      expect(samples).toHaveLength(15 * 4 + 3);
      expect(samples[0]!.at).toBe(shanghai(monday, '00:00').toISOString());
      expect(samples.at(-1)!.at).toBe(shanghai(monday, '15:30').toISOString());
      const byTime = new Map(samples.map((s) => [s.at, s]));
      const sample = (hhmm: string) => {
        const s = byTime.get(shanghai(monday, hhmm).toISOString())!;
        return [s.waiting, s.beingServed];
      };
      expect(sample('10:00')).toEqual([0, 0]);
      expect(sample('10:15')).toEqual([1, 0]); // checked in 10:05, not called yet
      expect(sample('10:30')).toEqual([1, 1]); // called 10:20; the next one checked in at 10:28
      expect(sample('10:45')).toEqual([1, 0]); // done at 10:43
      expect(sample('11:00')).toEqual([2, 0]); // the filed case checked in at 10:58
      expect(sample('11:15')).toEqual([0, 0]); // both served by 11:13
      expect(sample('15:30')).toEqual([0, 0]);
    });

    it('covers a past day completely and a day to come not at all, for an officer too', async () => {
      const past = ok(
        await sys.gql<{ cityLoadHistory: Sample[] }>(
          HISTORY,
          { date: addCalendarDays(monday, -1), bucket: 60 },
          t.officer,
        ),
      ).cityLoadHistory;
      expect(past).toHaveLength(24);
      expect(past.every((s) => s.waiting === 0 && s.beingServed === 0)).toBe(true);
      const future = ok(
        await sys.gql<{ cityLoadHistory: Sample[] }>(HISTORY, { date: addCalendarDays(monday, 1) }, t.manager),
      ).cityLoadHistory;
      expect(future).toEqual([]);
    });
  });

  describe('DocumentsAcceptance.issuanceDueAt', () => {
    const CASE = `query ($id: ID!) { case(id: $id) { id documentsAcceptance { acceptedAt issuanceDueAt issuanceDueProvisional } } }`;
    type CaseDue = {
      case: { documentsAcceptance: { acceptedAt: string; issuanceDueAt: string; issuanceDueProvisional: boolean } };
    };

    it('is the ISSUANCE clock’s due, so a closure added while the permits are decided moves it', async () => {
      const before = ok(await sys.gql<CaseDue>(CASE, { id: open.id }, t.officer)).case.documentsAcceptance;
      const acceptedAt = new Date(before.acceptedAt);
      expect(before.issuanceDueAt).toBe(
        issuanceDue(WorkingDayCalendar.fromOfficialData(), acceptedAt).due.toISOString(),
      );
      const stored = await sys.sql.query<{ due: Date }>(
        'SELECT issuance_due_at AS due FROM cs.acceptance WHERE case_id = $1',
        [open.id],
      );

      const tuesday = addCalendarDays(monday, 1);
      ok(
        await sys.gql(
          'mutation ($d: String!) { addClosure(date: $d, name: "Heavy snow") { date } }',
          { d: tuesday },
          t.manager,
        ),
      );
      const withClosure = WorkingDayCalendar.fromOfficialData({
        loadedYears: [],
        entries: [{ date: tuesday, kind: 'CLOSURE', name: 'Heavy snow' }],
      });
      const moved = issuanceDue(withClosure, acceptedAt).due.toISOString();
      expect(moved).not.toBe(before.issuanceDueAt);
      await waitFor(
        async () =>
          ok(await sys.gql<CaseDue>(CASE, { id: open.id }, t.officer)).case.documentsAcceptance.issuanceDueAt === moved,
        10_000,
        'the issuance due to follow the closure',
      );
      // The agency sees the same due on its own case.
      const agencyView = ok(await sys.gql<CaseDue>(CASE, { id: open.id }, await agencyToken(sys, 0))).case;
      expect(agencyView.documentsAcceptance.issuanceDueAt).toBe(moved);
      // One source of truth: the stored figure of the acceptance moment is no longer what answers.
      expect(stored.rows[0]!.due.toISOString()).toBe(before.issuanceDueAt);
    });

    it('the served case’s due stays where it was when both permits were decided', async () => {
      const rows = await sys.sql.query<{ state: string; due: Date }>(
        `SELECT state, due_at AS due FROM cs.sla_clock WHERE case_id = $1 AND kind = 'ISSUANCE'`,
        [served],
      );
      expect(rows.rows.map((r) => r.state)).toEqual(['MET']);
      const accepted = await sys.sql.query<{ at: Date }>(
        'SELECT accepted_at AS at FROM cs.acceptance WHERE case_id = $1',
        [served],
      );
      expect(rows.rows[0]!.due.toISOString()).toBe(
        issuanceDue(WorkingDayCalendar.fromOfficialData(), accepted.rows[0]!.at).due.toISOString(),
      );
    });
  });

  it('Case.counterId is gone: the appointment and the acceptance name their counters', async () => {
    const res = await sys.gql('query ($id: ID!) { case(id: $id) { id counterId } }', { id: open.id }, t.officer);
    expect(res.errors?.[0]?.message).toMatch(/Cannot query field "counterId" on type "Case"/);
    const ok2 = ok(
      await sys.gql<{ case: { documentsAcceptance: { counterId: string } } }>(
        'query ($id: ID!) { case(id: $id) { documentsAcceptance { counterId } } }',
        { id: open.id },
        t.officer,
      ),
    );
    expect(ok2.case.documentsAcceptance.counterId).toBe(COUNTER);
  });
});
