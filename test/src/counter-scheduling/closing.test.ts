/**
 * Closing time: tickets still waiting when a counter closes for the day become UNSERVED
 * (`queue.ticket-unserved`), drop out of the live load, and their COUNTER_WAIT clocks are
 * cancelled; a breach already recorded stays recorded and is resolved. Clerks calling at the
 * moment of closing race the sweep: every ticket ends one way, once (a ticket called and not
 * served by closing is MISSED: window-closing.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays } from '@onestop/common';
import {
  startTestSystem,
  waitFor,
  type TestSystem,
  errorCode,
  count,
  countEvents,
  directToSubgraph,
  moveClockTo,
  nextWorkingMonday,
  ok,
  seedCase,
  shanghai,
  businessNow,
  tokens,
} from '../testkit/index.js';

const CHECK_IN = `mutation ($caseId: ID!) { checkIn(caseId: $caseId) { id status } }`;
const CALL_NEXT = `mutation ($window: Int!) { callNext(window: $window) { id } }`;
const LOAD = `query ($id: ID!) { counterLoad(counterId: $id) { waiting beingServed } }`;
const QUEUE = `query ($id: ID!) { counterQueue(counterId: $id) { id status } }`;
const BREACHES = `query ($filter: SlaBreachFilter) {
  slaBreaches(filter: $filter, first: 50) { edges { node { clockId kind counterId resolvedAt open case { id } } } }
}`;

interface ClockRow {
  state: string;
  stoppedAt: Date | null;
  lastThreshold: number | null;
}
interface BreachNode {
  clockId: string;
  resolvedAt: string | null;
  open: boolean;
  case: { id: string } | null;
}

describe('counter-scheduling: tickets left waiting at closing time', () => {
  let sys: TestSystem;
  let t: Awaited<ReturnType<typeof tokens>>;
  let monday: string;
  let zgcClerk: string;
  /** Checked in at 09:10 and never called: its counter wait breaches at 09:40. */
  let early: string;
  /** Checked in at 16:50: closing comes before its first warning. */
  let late: string;
  /** Ten walk-ins at haidian-zgc; six windows call at the moment of closing. */
  let racing: string[];

  const counterWait = async (caseId: string): Promise<ClockRow> => {
    const r = await sys.sql.query<ClockRow>(
      `SELECT state, stopped_at AS "stoppedAt", last_threshold AS "lastThreshold"
       FROM cs.sla_clock WHERE case_id = $1 AND kind = 'COUNTER_WAIT'`,
      [caseId],
    );
    expect(r.rows).toHaveLength(1);
    return r.rows[0]!;
  };
  /** sla.* events of a case's counter wait (the seeded cases' pre-examination clocks have their own). */
  const counterWaitEvents = async (type: string, caseId: string): Promise<number> =>
    (
      await sys.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM platform.event_log
         WHERE type = $1 AND aggregate_id = $2 AND payload->>'kind' = 'COUNTER_WAIT'`,
        [type, caseId],
      )
    ).rows[0]!.n;
  const ticketOf = async (caseId: string) =>
    (
      await sys.sql.query<{ id: string; status: string; completedAt: Date | null }>(
        `SELECT id, status, completed_at AS "completedAt" FROM cs.ticket WHERE case_id = $1 ORDER BY issued_at`,
        [caseId],
      )
    ).rows;

  beforeAll(async () => {
    sys = await startTestSystem();
    t = await tokens(sys);
    zgcClerk = await sys.token('CLERK', { counterId: 'haidian-zgc' });
    monday = await nextWorkingMonday(sys);
    early = await seedCase(sys, { category: 'A' });
    late = await seedCase(sys, { category: 'A' });
    racing = await Promise.all(Array.from({ length: 10 }, () => seedCase(sys, { category: 'A' })));
    await moveClockTo(sys, shanghai(monday, '09:10'));
    ok(await sys.gql(CHECK_IN, { caseId: early }, t.clerk));
    await moveClockTo(sys, shanghai(monday, '16:50'));
    ok(await sys.gql(CHECK_IN, { caseId: late }, t.clerk));
    for (const caseId of racing) ok(await sys.gql(CHECK_IN, { caseId }, zgcClerk));
  });
  afterAll(async () => {
    await sys?.stop();
  });

  it('before closing, nothing is unserved: the early ticket breached its wait and still counts as waiting', async () => {
    await waitFor(async () => (await counterWait(early)).state === 'BREACHED', 15_000, 'the counter-wait breach');
    expect(await count(sys, 'ticket', `status = 'UNSERVED'`)).toBe(0);
    const load = ok(await sys.gql<{ counterLoad: { waiting: number } }>(LOAD, { id: 'chaoyang-cbd' }, t.manager));
    expect(load.counterLoad.waiting).toBe(2);
    const open = ok(
      await sys.gql<{ slaBreaches: { edges: { node: BreachNode }[] } }>(
        BREACHES,
        { filter: { open: true } },
        t.manager,
      ),
    ).slaBreaches.edges.map((e) => e.node);
    expect(open.map((b) => b.case?.id)).toContain(early);
  });

  it('at closing, clerks calling and the sweep race: every ticket is either called (then missed) or unserved, once', async () => {
    await moveClockTo(sys, shanghai(monday, '16:59'));
    const now = await businessNow(sys);
    const toClosing = shanghai(monday, '17:00').getTime() - now.getTime();
    const [, ...called] = await Promise.all([
      sys.advanceClock(toClosing + 30_000),
      ...[1, 2, 3, 4, 5, 6].map((window) =>
        sys.gql<{ callNext: { id: string } | null }>(CALL_NEXT, { window }, zgcClerk),
      ),
    ]);
    const calledIds = called.map((r) => ok(r).callNext?.id).filter((id): id is string => Boolean(id));
    await waitFor(
      async () => (await count(sys, 'ticket', `status IN ('WAITING', 'CALLED')`)) === 0,
      10_000,
      'no ticket left waiting or called',
    );
    for (const caseId of racing) {
      const [ticket] = await ticketOf(caseId);
      const calledEvents = await countEvents(sys, 'queue.ticket-called', caseId);
      const missedEvents = await countEvents(sys, 'queue.ticket-missed', caseId);
      const unservedEvents = await countEvents(sys, 'queue.ticket-unserved', caseId);
      if (calledIds.includes(ticket!.id)) {
        // Called, never served: closing time closes the window too.
        expect([ticket!.status, calledEvents, missedEvents, unservedEvents]).toEqual(['MISSED', 1, 1, 0]);
      } else {
        expect([ticket!.status, calledEvents, missedEvents, unservedEvents]).toEqual(['UNSERVED', 0, 0, 1]);
      }
    }
    expect(calledIds.length + (await count(sys, 'ticket', `status = 'UNSERVED' AND counter_id = 'haidian-zgc'`))).toBe(
      10,
    );
  });

  it('unserved tickets close at the closing time, leave the load and the queue, and appear as such on the case', async () => {
    const closing = shanghai(monday, '17:00');
    for (const caseId of [early, late]) {
      const [ticket] = await ticketOf(caseId);
      expect(ticket).toMatchObject({ status: 'UNSERVED', completedAt: closing });
      const events = await sys.sql.query<{ payload: { ticketId: string; at: string }; counter_id: string }>(
        `SELECT payload, counter_id FROM platform.event_log WHERE type = 'queue.ticket-unserved' AND aggregate_id = $1`,
        [caseId],
      );
      expect(events.rows).toEqual([
        {
          payload: expect.objectContaining({ ticketId: ticket!.id, at: closing.toISOString() }),
          counter_id: 'chaoyang-cbd',
        },
      ]);
    }
    const load = ok(await sys.gql<{ counterLoad: { waiting: number } }>(LOAD, { id: 'chaoyang-cbd' }, t.manager));
    expect(load.counterLoad.waiting).toBe(0);
    const queue = ok(await sys.gql<{ counterQueue: unknown[] }>(QUEUE, { id: 'chaoyang-cbd' }, t.clerk));
    expect(queue.counterQueue).toEqual([]);
    const visits = ok(
      await directToSubgraph<{ _entities: { visits: { status: string; completedAt: string }[] }[] }>(
        sys,
        'counter-scheduling',
        `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Case { visits { status completedAt } } } }`,
        { reps: [{ __typename: 'Case', id: early }] },
        t.manager,
      ),
    );
    expect(visits._entities[0]!.visits).toEqual([{ status: 'UNSERVED', completedAt: closing.toISOString() }]);
    // An unserved ticket is not a visit: the documents cannot be accepted on the strength of it.
    const accept = await sys.gql(
      `mutation ($caseId: ID!) { acceptDocuments(caseId: $caseId) { receiptNumber } }`,
      { caseId: late },
      t.clerk,
    );
    expect(errorCode(accept)).toBe('INVALID_TRANSITION');
    expect(accept.errors![0]!.extensions!.problems).toContain(
      'the applicant has not checked in at counter chaoyang-cbd today',
    );
  });

  it('cancels the counter-wait clock; a breach already recorded stays recorded and is resolved at closing', async () => {
    const closing = shanghai(monday, '17:00');
    await waitFor(
      async () => (await counterWait(late)).state === 'CANCELLED',
      15_000,
      'the late clock to be cancelled',
    );
    expect(await counterWait(late)).toEqual({ state: 'CANCELLED', stoppedAt: closing, lastThreshold: null });
    await waitFor(async () => (await counterWait(early)).stoppedAt !== null, 15_000, 'the early clock to stop');
    expect(await counterWait(early)).toEqual({ state: 'BREACHED', stoppedAt: closing, lastThreshold: 100 });

    const all = ok(
      await sys.gql<{ slaBreaches: { edges: { node: BreachNode }[] } }>(
        BREACHES,
        { filter: { kind: 'COUNTER_WAIT', counterId: 'chaoyang-cbd' } },
        t.manager,
      ),
    ).slaBreaches.edges.map((e) => e.node);
    expect(all.filter((b) => b.case?.id === early)).toEqual([
      expect.objectContaining({ resolvedAt: closing.toISOString(), open: false }),
    ]);
    const open = ok(
      await sys.gql<{ slaBreaches: { edges: { node: BreachNode }[] } }>(
        BREACHES,
        { filter: { open: true } },
        t.manager,
      ),
    ).slaBreaches.edges.map((e) => e.node);
    expect(open.map((b) => b.case?.id)).not.toContain(early);
    expect(await counterWaitEvents('sla.resolved', early)).toBe(1);
  });

  it('stays done as time goes on: no event twice, no warning for a cancelled wait', async () => {
    const unserved = await countEvents(sys, 'queue.ticket-unserved');
    await moveClockTo(sys, shanghai(monday, '18:30'));
    // The sweep runs every second: give it a few passes.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await countEvents(sys, 'queue.ticket-unserved')).toBe(unserved);
    expect(await counterWaitEvents('sla.warning', late)).toBe(0);
    expect(await counterWaitEvents('sla.breached', late)).toBe(0);
    expect(await counterWaitEvents('sla.breached', early)).toBe(1);
    expect(await counterWaitEvents('sla.resolved', early)).toBe(1);
  });

  it('the next day the applicant checks in again with a fresh ticket', async () => {
    await moveClockTo(sys, shanghai(addCalendarDays(monday, 1), '09:30'));
    const again = ok(await sys.gql<{ checkIn: { status: string } }>(CHECK_IN, { caseId: early }, t.clerk)).checkIn;
    expect(again.status).toBe('WAITING');
    expect((await ticketOf(early)).map((x) => x.status)).toEqual(['UNSERVED', 'WAITING']);
  });
});
