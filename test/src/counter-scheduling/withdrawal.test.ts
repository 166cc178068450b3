/**
 * A withdrawal while the applicant is in the queue: the agency withdraws the case
 * (work-permit's `case.withdrawn`) after the applicant checked in. A ticket still WAITING
 * leaves the queue as WITHDRAWN (`queue.ticket-withdrawn`), so the live load stops counting it
 * and the window calls the next applicant; a ticket already at a window stays there until the
 * clerk completes it, and acceptance is refused. Check-in of a withdrawn case is refused.
 * Acceptance wins over a withdrawal recorded after it (decision 0006). Most cases are fed
 * through the event log as work-permit appends them (its withdrawal is tested with it); the
 * last test runs the real withdrawCase through the gateway.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { EVENT_TYPES } from '@onestop/common/contract';
import {
  appendEvent,
  startTestSystem,
  waitFor,
  type TestSystem,
  count,
  countEvents,
  directToSubgraph,
  EMPLOYER,
  errorCode,
  moveClockTo,
  nextWorkingMonday,
  ok,
  reportInterview,
  reportMaterials,
  seedCase,
  serveCase,
  settleResidencePermit,
  shanghai,
  businessNow,
  tokens,
  waitForReadiness,
  filing,
} from '../testkit/index.js';

const COUNTER = 'chaoyang-cbd';
const READINESS_CONSUMER = 'counter-scheduling.case-readiness';

const BOOK = `mutation ($caseId: ID!, $counterId: ID!, $slotStart: DateTimeISO!, $key: String!) {
  bookAppointment(caseId: $caseId, counterId: $counterId, slotStart: $slotStart, idempotencyKey: $key) { id status }
}`;
const CHECK_IN = `mutation ($caseId: ID!) { checkIn(caseId: $caseId) { id ticketNumber caseId status } }`;
const CALL_NEXT = `mutation ($window: Int!) { callNext(window: $window) { id caseId status window } }`;
const START = `mutation ($id: ID!) { startService(ticketId: $id) { id status } }`;
const COMPLETE = `mutation ($id: ID!) { completeService(ticketId: $id) { id status completedAt } }`;
const ACCEPT = `mutation ($caseId: ID!) { acceptDocuments(caseId: $caseId) { caseId receiptNumber } }`;
const QUEUE = `query ($id: ID!) { counterQueue(counterId: $id) { id caseId status } }`;
const COUNTER_LOAD = `query ($id: ID!) { counterLoad(counterId: $id) { counterId waiting beingServed servedToday eventId } }`;
const CITY_LOAD = `{ cityLoad { waiting beingServed counters { counterId waiting beingServed } } }`;
const LOAD_PUSHES = `subscription ($id: ID, $since: ID) { counterLoadChanged(counterId: $id, since: $since) { counterId waiting eventId } }`;
const VISITS = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Case { id visits { id status completedAt } } } }`;

interface Ticket {
  id: string;
  ticketNumber: string;
  caseId: string;
  status: string;
  window: number | null;
}
interface Load {
  counterId: string;
  waiting: number;
  beingServed: number;
  servedToday: number;
  eventId: string;
}
interface City {
  cityLoad: { waiting: number; beingServed: number; counters: { counterId: string; waiting: number }[] };
}
type Visits = { _entities: ({ id: string; visits: { id: string; status: string; completedAt: string }[] } | null)[] };

describe('counter-scheduling: a withdrawn case leaves the queue', () => {
  let sys: TestSystem;
  let t: Awaited<ReturnType<typeof tokens>>;
  let monday: string;
  const clients: Client[] = [];

  const checkIn = (caseId: string, token = t.clerk) => sys.gql<{ checkIn: Ticket }>(CHECK_IN, { caseId }, token);
  const callNext = async (window: number): Promise<Ticket | null> =>
    ok(await sys.gql<{ callNext: Ticket | null }>(CALL_NEXT, { window }, t.clerk)).callNext;
  const counterLoad = async (): Promise<Load> =>
    ok(await sys.gql<{ counterLoad: Load }>(COUNTER_LOAD, { id: COUNTER }, t.manager)).counterLoad;
  const cityLoad = async (): Promise<City['cityLoad']> => ok(await sys.gql<City>(CITY_LOAD, {}, t.manager)).cityLoad;
  const queue = async (): Promise<Ticket[]> =>
    ok(await sys.gql<{ counterQueue: Ticket[] }>(QUEUE, { id: COUNTER }, t.clerk)).counterQueue;
  const ticketRow = async (id: string) =>
    (
      await sys.sql.query<{ status: string; called_at: Date | null; completed_at: Date | null; issued_at: Date }>(
        'SELECT status, called_at, completed_at, issued_at FROM cs.ticket WHERE id = $1',
        [id],
      )
    ).rows[0]!;

  /** work-permit's `case.withdrawn`, at the business time; returns the event id. */
  const withdraw = async (caseId: string, withdrawnAt?: Date): Promise<string> =>
    appendEvent(sys.sql, {
      type: EVENT_TYPES.caseWithdrawn,
      source: 'work-permit',
      aggregateId: caseId,
      employerId: EMPLOYER,
      payload: {
        caseId,
        reference: `OS-2026-${caseId.slice(0, 6)}`,
        from: 'CHECKED_IN',
        reason: 'The applicant took another job',
        withdrawnAt: (withdrawnAt ?? (await businessNow(sys))).toISOString(),
      },
    });

  /** Resolves once the readiness consumer has handled the event `eventId`. */
  const handled = async (eventId: string): Promise<void> => {
    await waitFor(
      async () => {
        const r = await sys.sql.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM platform.consumer_offset WHERE consumer = $1 AND position >= $2',
          [READINESS_CONSUMER, eventId],
        );
        return r.rows[0]!.n === 1;
      },
      15_000,
      `the readiness consumer to handle event ${eventId}`,
    );
  };

  /** The events of `type` about a case, oldest first. */
  const eventsOf = async (type: string, caseId: string) =>
    (
      await sys.sql.query<{ id: string; payload: Record<string, unknown>; counter_id: string | null }>(
        'SELECT id::text AS id, payload, counter_id FROM platform.event_log WHERE type = $1 AND aggregate_id = $2 ORDER BY id',
        [type, caseId],
      )
    ).rows;

  /** "YYYY-MM-DD HH:MM (Asia/Shanghai)", as the refusals name the withdrawal. */
  const local = (at: Date): string => {
    const s = new Date(at.getTime() + 8 * 3_600_000).toISOString();
    return `${s.slice(0, 10)} ${s.slice(11, 16)} (Asia/Shanghai)`;
  };

  /**
   * Holds the readiness consumer back (locks its offset row, as a second instance of it would)
   * until `resume()`: the projection has not read a withdrawal for as long as the test needs.
   */
  const pauseReadiness = async (): Promise<() => Promise<void>> => {
    const client: pg.PoolClient = await sys.sql.connect();
    await client.query('BEGIN');
    const r = await client.query('SELECT 1 FROM platform.consumer_offset WHERE consumer = $1 FOR UPDATE', [
      READINESS_CONSUMER,
    ]);
    expect(r.rowCount).toBe(1);
    return async () => {
      await client.query('COMMIT');
      client.release();
    };
  };

  beforeAll(async () => {
    sys = await startTestSystem();
    t = await tokens(sys);
    monday = await nextWorkingMonday(sys);
    await moveClockTo(sys, shanghai(monday, '10:00'));
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await sys?.stop();
  });

  it('takes a waiting ticket out of the queue: WITHDRAWN, one event, the load drops (query and push), the window calls the next applicant', async () => {
    const leaving = await seedCase(sys, { category: 'A' });
    const staying = await seedCase(sys, { category: 'A' });
    const first = ok(await checkIn(leaving)).checkIn;
    const second = ok(await checkIn(staying)).checkIn;
    const before = await counterLoad();
    const cityBefore = await cityLoad();
    expect(before.waiting).toBeGreaterThanOrEqual(2);

    // The manager's dashboard, subscribed through the gateway from the snapshot it read.
    const client = createClient({
      url: sys.gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${t.manager}` },
    });
    clients.push(client);
    const pushes: Load[] = [];
    const pushErrors: unknown[] = [];
    const unsubscribe = client.subscribe<{ counterLoadChanged: Load }>(
      { query: LOAD_PUSHES, variables: { id: COUNTER, since: before.eventId } },
      {
        next: (r) => (r.errors ? pushErrors.push(r.errors) : pushes.push(r.data!.counterLoadChanged)),
        error: (e) => pushErrors.push(e),
        complete: () => undefined,
      },
    );

    const withdrawnAt = await businessNow(sys);
    const withdrawal = await withdraw(leaving, withdrawnAt);
    await waitFor(async () => (await ticketRow(first.id)).status === 'WITHDRAWN', 10_000, 'the ticket to leave');
    const row = await ticketRow(first.id);
    expect(row.called_at).toBeNull();
    // Completed at the withdrawal (never before the check-in).
    expect(row.completed_at!.getTime()).toBe(Math.max(withdrawnAt.getTime(), row.issued_at.getTime()));

    // Exactly one event, naming the ticket and the withdrawal, and the load change it caused.
    const withdrawnEvents = await eventsOf(EVENT_TYPES.ticketWithdrawn, leaving);
    expect(withdrawnEvents).toHaveLength(1);
    expect(withdrawnEvents[0]!.counter_id).toBe(COUNTER);
    expect(withdrawnEvents[0]!.payload).toEqual({
      ticketId: first.id,
      ticketNumber: first.ticketNumber,
      caseId: leaving,
      counterId: COUNTER,
      at: row.completed_at!.toISOString(),
      withdrawalEventId: withdrawal,
    });
    const loadChanges = await sys.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM platform.event_log
        WHERE type = $1 AND aggregate_id = $2 AND id > $3 AND payload->>'cause' = $4`,
      [EVENT_TYPES.counterLoadChanged, COUNTER, withdrawal, EVENT_TYPES.ticketWithdrawn],
    );
    expect(loadChanges.rows[0]!.n).toBe(1);

    // The live load, pushed and queried: one fewer waiting, nobody more at a window.
    const pushed = await waitFor(
      () => pushes.find((p) => p.waiting === before.waiting - 1 && BigInt(p.eventId) > BigInt(withdrawal)),
      10_000,
      'the load push after the withdrawal',
    );
    expect(pushed.counterId).toBe(COUNTER);
    expect(pushErrors).toEqual([]);
    unsubscribe();
    expect(await counterLoad()).toMatchObject({ waiting: before.waiting - 1, beingServed: before.beingServed });
    const cityAfter = await cityLoad();
    expect(cityAfter.waiting).toBe(cityBefore.waiting - 1);
    const here = (c: City['cityLoad']) => c.counters.find((x) => x.counterId === COUNTER)!.waiting;
    expect(here(cityAfter)).toBe(here(cityBefore) - 1);

    // The clerk's queue no longer shows it, and the window calls the applicant behind it.
    const open = await queue();
    expect(open.map((x) => x.id)).not.toContain(first.id);
    expect(open.map((x) => x.id)).toContain(second.id);
    const called = await callNext(1);
    expect(called).toMatchObject({ id: second.id, caseId: staying, status: 'CALLED', window: 1 });
    expect((await ticketRow(first.id)).status).toBe('WITHDRAWN');

    // The visit shows how it ended, to the agency of the employer only.
    const reps = [{ __typename: 'Case', id: leaving }];
    const mine = ok(await directToSubgraph<Visits>(sys, 'counter-scheduling', VISITS, { reps }, t.agency))._entities;
    expect(mine[0]!.visits).toEqual([
      { id: first.id, status: 'WITHDRAWN', completedAt: row.completed_at!.toISOString() },
    ]);
    expect(
      ok(await directToSubgraph<Visits>(sys, 'counter-scheduling', VISITS, { reps }, t.otherAgency))._entities,
    ).toEqual([null]);

    // The same withdrawal delivered again finds no waiting ticket: still one event.
    await handled(await withdraw(leaving, withdrawnAt));
    expect(await countEvents(sys, EVENT_TYPES.ticketWithdrawn, leaving)).toBe(1);
    expect(await countEvents(sys, EVENT_TYPES.ticketWithdrawn, staying)).toBe(0);
  });

  it('leaves a ticket at a window where it is: service completes, and acceptance is refused with the withdrawal', async () => {
    const serving = await seedCase(sys, { category: 'A' });
    const calledCase = await seedCase(sys, { category: 'A' });
    const servingTicket = ok(await checkIn(serving)).checkIn;
    expect(await callNext(2)).toMatchObject({ id: servingTicket.id, status: 'CALLED' });
    ok(await sys.gql(START, { id: servingTicket.id }, t.clerk));
    const calledTicket = ok(await checkIn(calledCase)).checkIn;
    expect(await callNext(3)).toMatchObject({ id: calledTicket.id, status: 'CALLED' });
    const before = await counterLoad();

    const withdrawnAt = await businessNow(sys);
    await withdraw(serving, withdrawnAt);
    await handled(await withdraw(calledCase, withdrawnAt));
    await waitForReadiness(sys, serving, (r) => r.withdrawn === true);

    expect((await ticketRow(servingTicket.id)).status).toBe('SERVING');
    expect((await ticketRow(calledTicket.id)).status).toBe('CALLED');
    expect(await countEvents(sys, EVENT_TYPES.ticketWithdrawn, serving)).toBe(0);
    expect(await countEvents(sys, EVENT_TYPES.ticketWithdrawn, calledCase)).toBe(0);
    expect((await queue()).map((x) => x.id)).toEqual(expect.arrayContaining([servingTicket.id, calledTicket.id]));
    expect(await counterLoad()).toMatchObject({ waiting: before.waiting, beingServed: before.beingServed });

    const refused = await sys.gql(ACCEPT, { caseId: serving }, t.clerk);
    expect(errorCode(refused)).toBe('INVALID_TRANSITION');
    expect(refused.errors![0]!.extensions!.problems).toContain(`the agency withdrew the case at ${local(withdrawnAt)}`);
    expect(await count(sys, 'acceptance', 'case_id = $1', [serving])).toBe(0);

    const done = ok(await sys.gql<{ completeService: Ticket }>(COMPLETE, { id: servingTicket.id }, t.clerk));
    expect(done.completeService.status).toBe('DONE');
    ok(await sys.gql(START, { id: calledTicket.id }, t.clerk));
    ok(await sys.gql(COMPLETE, { id: calledTicket.id }, t.clerk));
    expect((await ticketRow(calledTicket.id)).status).toBe('DONE');
    expect(await counterLoad()).toMatchObject({
      beingServed: before.beingServed - 2,
      servedToday: before.servedToday + 2,
    });
  });

  it('refuses check-in of a withdrawn case with the reason, even before the projection has read the withdrawal; writes nothing', async () => {
    const walkIn = await seedCase(sys, { category: 'A' });
    expect(errorCode(await checkIn(walkIn, ''))).toBe('UNAUTHENTICATED');
    expect(errorCode(await checkIn(walkIn, t.agency))).toBe('FORBIDDEN');

    const resume = await pauseReadiness();
    let withdrawal: string;
    const withdrawnAt = await businessNow(sys);
    try {
      withdrawal = await withdraw(walkIn, withdrawnAt);
      const early = await checkIn(walkIn);
      expect(errorCode(early)).toBe('INVALID_TRANSITION');
      expect(early.errors![0]!.extensions!.reason).toBe('CASE_WITHDRAWN');
      expect(early.errors![0]!.message).toBe(
        `Case ${walkIn} cannot be checked in: the agency withdrew the case at ${local(withdrawnAt)}.`,
      );
      // The log said so: the projection had not read it yet.
      const r = await sys.sql.query('SELECT withdrawn FROM cs.case_readiness WHERE case_id = $1', [walkIn]);
      expect(r.rows[0].withdrawn).toBe(false);
    } finally {
      await resume();
    }
    await handled(withdrawal);
    const late = await checkIn(walkIn);
    expect(errorCode(late)).toBe('INVALID_TRANSITION');
    expect(late.errors![0]!.extensions!.reason).toBe('CASE_WITHDRAWN');

    // A B applicant with an appointment here today: the appointment is cancelled, and the
    // refusal names the withdrawal, not a missing appointment.
    const booked = await seedCase(sys, { category: 'B' });
    const appointment = ok(
      await sys.gql<{ bookAppointment: { id: string } }>(
        BOOK,
        { caseId: booked, counterId: COUNTER, slotStart: shanghai(monday, '14:00').toISOString(), key: `wd-${booked}` },
        t.agency,
      ),
    ).bookAppointment;
    await handled(await withdraw(booked));
    expect(await count(sys, 'appointment', `id = $1 AND status = 'CANCELLED'`, [appointment.id])).toBe(1);
    const refused = await checkIn(booked);
    expect(errorCode(refused)).toBe('INVALID_TRANSITION');
    expect(refused.errors![0]!.extensions!.reason).toBe('CASE_WITHDRAWN');

    expect(await count(sys, 'ticket', 'case_id = ANY($1)', [[walkIn, booked]])).toBe(0);
    expect(await countEvents(sys, EVENT_TYPES.ticketIssued, walkIn)).toBe(0);
    expect(await countEvents(sys, EVENT_TYPES.ticketIssued, booked)).toBe(0);
  });

  it('acceptance wins: a withdrawal recorded after the documents were accepted leaves the ticket in the queue', async () => {
    const caseId = await seedCase(sys, { category: 'A' });
    await settleResidencePermit(sys, caseId);
    const ticket = ok(await checkIn(caseId)).checkIn;
    await reportMaterials(sys, caseId, [], []);
    await reportInterview(sys, caseId, { required: false, satisfied: true, scheduled: false });
    expect(await serveCase(sys, t.clerk, caseId, 4)).toBe(ticket.id);
    ok(await sys.gql(ACCEPT, { caseId }, t.clerk));

    // As recorded before both commands took the case's gate (decision 0006).
    await handled(await withdraw(caseId));
    // Accepted during service (decision 0008): the ticket stays at the window, not withdrawn.
    expect((await ticketRow(ticket.id)).status).toBe('SERVING');
    expect(await countEvents(sys, EVENT_TYPES.ticketWithdrawn, caseId)).toBe(0);
    const r = await sys.sql.query('SELECT withdrawn FROM cs.case_readiness WHERE case_id = $1', [caseId]);
    expect(r.rows[0].withdrawn).toBe(false);
    expect((await queue()).map((x) => x.id)).toContain(ticket.id);
  });

  it("through work-permit's withdrawCase: the case is WITHDRAWN, its waiting ticket too, and work-permit's lifecycle is unaffected", async () => {
    const wpOfficer = await sys.token('WP_OFFICER');
    const { id } = ok(
      await sys.gql<{ fileCase: { id: string } }>(
        `mutation ($i: FileCaseInput!) { fileCase(input: $i) { id } }`,
        { i: filing(EMPLOYER, monday, { category: 'A' }) },
        t.agency,
      ),
    ).fileCase;
    ok(
      await sys.gql(
        `mutation ($i: PassPreExaminationInput!) { passPreExamination(input: $i) { id } }`,
        { i: { caseId: id } },
        wpOfficer,
      ),
    );
    await waitForReadiness(sys, id, (r) => r.pre_exam_passed === true);
    const ticket = ok(await checkIn(id)).checkIn;
    const CASE = `query ($id: ID!) { case(id: $id) { id status withdrawnAt visits { id status } timeline { action } } }`;
    type CaseView = {
      case: {
        status: string;
        withdrawnAt: string | null;
        visits: { id: string; status: string }[];
        timeline: { action: string }[];
      };
    };
    await waitFor(
      async () => ok(await sys.gql<CaseView>(CASE, { id }, t.agency)).case.status === 'CHECKED_IN',
      15_000,
      'work-permit to record the check-in',
    );

    const withdrawn = ok(
      await sys.gql<{ withdrawCase: { status: string } }>(
        `mutation ($i: WithdrawCaseInput!) { withdrawCase(input: $i) { status } }`,
        { i: { caseId: id, reason: 'The applicant took another job' } },
        t.agency,
      ),
    ).withdrawCase;
    expect(withdrawn.status).toBe('WITHDRAWN');
    await waitFor(async () => (await ticketRow(ticket.id)).status === 'WITHDRAWN', 15_000, 'the ticket to leave');
    expect(await countEvents(sys, EVENT_TYPES.ticketWithdrawn, id)).toBe(1);

    const view = ok(await sys.gql<CaseView>(CASE, { id }, t.agency)).case;
    expect(view.status).toBe('WITHDRAWN');
    expect(view.withdrawnAt).not.toBeNull();
    expect(view.visits).toEqual([{ id: ticket.id, status: 'WITHDRAWN' }]);
    // Nothing after the withdrawal in work-permit's timeline: it does not react to the ticket leaving.
    expect(view.timeline.at(-1)!.action).toBe('WITHDRAWN');
  });
});
