/**
 * Closing time closes the windows too: a ticket still being served when its counter closes is
 * completed at the closing time, one called and never served is MISSED, so no window carries a
 * ticket into the next day. Each event once, however many sweeps run; a closing that passed
 * while counter-scheduling was down is caught up when it comes back; and a ticket an earlier
 * day left at a window (a sweep that could not reach it) never blocks the window, stays
 * visible in the queue, and can be completed by the clerk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { addCalendarDays, CLOCK_CHANNEL, shanghaiDate } from '@onestop/common';
import {
  startTestSystem,
  waitFor,
  type TestSystem,
  countEvents,
  errorCode,
  moveClockTo,
  nextWorkingMonday,
  ok,
  seedCase,
  shanghai,
  tokens,
} from '../testkit/index.js';

const CHECK_IN = `mutation ($caseId: ID!) { checkIn(caseId: $caseId) { id } }`;
const CALL_NEXT = `mutation ($window: Int!) { callNext(window: $window) { id caseId window } }`;
const START = `mutation ($id: ID!) { startService(ticketId: $id) { id status } }`;
const COMPLETE = `mutation ($id: ID!) { completeService(ticketId: $id) { id status completedAt } }`;
const QUEUE = `query ($id: ID!) { counterQueue(counterId: $id) { id status serviceDate window } }`;
const LOAD = `query ($id: ID!) { counterLoad(counterId: $id) { waiting beingServed } }`;

interface TicketRow {
  id: string;
  status: string;
  window: number | null;
  startedAt: Date | null;
  completedAt: Date | null;
}
interface EventRow {
  payload: Record<string, unknown>;
  counter_id: string;
  actor_id: string | null;
}

describe('counter-scheduling: closing time closes the windows', () => {
  let sys: TestSystem;
  let t: Awaited<ReturnType<typeof tokens>>;
  let monday: string;
  let tuesday: string;

  const ticketOf = async (caseId: string): Promise<TicketRow> => {
    const r = await sys.sql.query<TicketRow>(
      `SELECT id, status, window_number AS window, started_at AS "startedAt", completed_at AS "completedAt"
       FROM cs.ticket WHERE case_id = $1 ORDER BY issued_at`,
      [caseId],
    );
    expect(r.rows).toHaveLength(1);
    return r.rows[0]!;
  };
  const eventsOf = async (type: string, caseId: string): Promise<EventRow[]> =>
    (
      await sys.sql.query<EventRow>(
        `SELECT payload, counter_id, actor_id FROM platform.event_log WHERE type = $1 AND aggregate_id = $2 ORDER BY id`,
        [type, caseId],
      )
    ).rows;
  /** Every queue.* and load event so far, by type (to prove a later sweep appends none). */
  const queueEventCounts = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      (
        await sys.sql.query<{ type: string; n: number }>(
          `SELECT type, count(*)::int AS n FROM platform.event_log
           WHERE type LIKE 'queue.%' OR type = 'counter.load-changed' GROUP BY type`,
        )
      ).rows.map((r) => [r.type, r.n]),
    );
  const unfinished = async (counterId: string): Promise<number> =>
    (
      await sys.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM cs.ticket WHERE counter_id = $1 AND status IN ('WAITING', 'CALLED', 'SERVING')`,
        [counterId],
      )
    ).rows[0]!.n;
  /** Checks a walk-in in, calls it to `window` and, if asked, starts its service. */
  const toWindow = async (token: string, window: number, start: boolean): Promise<string> => {
    const caseId = await seedCase(sys, { category: 'A' });
    ok(await sys.gql(CHECK_IN, { caseId }, token));
    const called = ok(await sys.gql<{ callNext: { caseId: string } }>(CALL_NEXT, { window }, token)).callNext;
    expect(called.caseId).toBe(caseId);
    if (start) ok(await sys.gql(START, { id: (await ticketOf(caseId)).id }, token));
    return caseId;
  };

  beforeAll(async () => {
    sys = await startTestSystem();
    t = await tokens(sys);
    monday = await nextWorkingMonday(sys);
    tuesday = addCalendarDays(monday, 1);
  });
  afterAll(async () => {
    await sys?.stop();
  });

  describe('at closing', () => {
    /** Being served at window 1 when chaoyang-cbd closes at 17:00. */
    let serving: string;
    /** Called to window 2 at 16:40, never came. */
    let called: string;
    /** Still waiting at closing. */
    let waiting: string;
    const closing = (): Date => shanghai(monday, '17:00');

    beforeAll(async () => {
      await moveClockTo(sys, shanghai(monday, '16:30'));
      serving = await toWindow(t.clerk, 1, true);
      await moveClockTo(sys, shanghai(monday, '16:40'));
      called = await toWindow(t.clerk, 2, false);
      waiting = await seedCase(sys, { category: 'A' });
      ok(await sys.gql(CHECK_IN, { caseId: waiting }, t.clerk));
    });

    it('before closing, both windows are busy and nothing is closed', async () => {
      await moveClockTo(sys, shanghai(monday, '16:59'));
      const load = ok(
        await sys.gql<{ counterLoad: { waiting: number; beingServed: number } }>(
          LOAD,
          { id: 'chaoyang-cbd' },
          t.manager,
        ),
      );
      expect(load.counterLoad).toEqual({ waiting: 1, beingServed: 2 });
      expect((await ticketOf(serving)).status).toBe('SERVING');
      expect((await ticketOf(called)).status).toBe('CALLED');
      expect(await countEvents(sys, 'queue.service-completed', serving)).toBe(0);
      expect(await countEvents(sys, 'queue.ticket-missed', called)).toBe(0);
    });

    it('completes the service still running at the closing time, flagged as closed at the end of the day', async () => {
      await moveClockTo(sys, shanghai(monday, '17:05'));
      await waitFor(async () => (await unfinished('chaoyang-cbd')) === 0, 10_000, 'the closing sweep');
      const ticket = await ticketOf(serving);
      expect(ticket).toMatchObject({ status: 'DONE', window: 1, completedAt: closing() });
      // Started before closing, and kept: the service ran from then to the closing time.
      expect(ticket.startedAt!.getTime()).toBeGreaterThanOrEqual(shanghai(monday, '16:30').getTime());
      expect(ticket.startedAt!.getTime()).toBeLessThan(shanghai(monday, '16:40').getTime());
      expect(await eventsOf('queue.service-completed', serving)).toEqual([
        {
          payload: {
            ticketId: ticket.id,
            ticketNumber: expect.stringMatching(/^W-\d{3}$/),
            caseId: serving,
            counterId: 'chaoyang-cbd',
            window: 1,
            at: closing().toISOString(),
            closedAtEndOfDay: true,
          },
          counter_id: 'chaoyang-cbd',
          actor_id: null,
        },
      ]);
    });

    it('marks the ticket called and never served MISSED at the closing time, like a window calling the next one', async () => {
      const ticket = await ticketOf(called);
      expect(ticket).toMatchObject({ status: 'MISSED', window: 2, startedAt: null, completedAt: closing() });
      expect(await eventsOf('queue.ticket-missed', called)).toEqual([
        {
          payload: expect.objectContaining({
            ticketId: ticket.id,
            window: 2,
            at: closing().toISOString(),
            closedAtEndOfDay: true,
          }),
          counter_id: 'chaoyang-cbd',
          actor_id: null,
        },
      ]);
      expect(await countEvents(sys, 'queue.service-completed', called)).toBe(0);
      // The waiting ticket is unserved as before, without the flag (its event says it all).
      expect((await ticketOf(waiting)).status).toBe('UNSERVED');
      const [unserved] = await eventsOf('queue.ticket-unserved', waiting);
      expect(unserved!.payload).not.toHaveProperty('closedAtEndOfDay');
    });

    it('announces the load change: the counter is empty after closing', async () => {
      const r = await sys.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM platform.event_log
         WHERE type = 'counter.load-changed' AND aggregate_id = 'chaoyang-cbd'
           AND payload->>'cause' IN ('queue.service-completed', 'queue.ticket-missed', 'queue.ticket-unserved')`,
      );
      expect(r.rows[0]!.n).toBeGreaterThanOrEqual(1);
      const load = ok(
        await sys.gql<{ counterLoad: { waiting: number; beingServed: number } }>(
          LOAD,
          { id: 'chaoyang-cbd' },
          t.manager,
        ),
      );
      expect(load.counterLoad).toEqual({ waiting: 0, beingServed: 0 });
    });

    it('appends each event once, however many sweeps run', async () => {
      const before = await queueEventCounts();
      await moveClockTo(sys, shanghai(monday, '18:30'));
      await new Promise((r) => setTimeout(r, 1500));
      await moveClockTo(sys, shanghai(monday, '23:00'));
      // The sweep runs every second and on every clock move: give it a few passes.
      await new Promise((r) => setTimeout(r, 2500));
      expect(await queueEventCounts()).toEqual(before);
      for (const [type, caseId] of [
        ['queue.service-completed', serving],
        ['queue.ticket-missed', called],
        ['queue.ticket-unserved', waiting],
      ] as const) {
        expect(await countEvents(sys, type, caseId)).toBe(1);
      }
    });

    it('the next morning both windows are free and the queue shows only the new day', async () => {
      await moveClockTo(sys, shanghai(tuesday, '09:30'));
      const next = await seedCase(sys, { category: 'A' });
      const ticket = ok(await sys.gql<{ checkIn: { id: string } }>(CHECK_IN, { caseId: next }, t.clerk)).checkIn;
      const atOne = ok(await sys.gql<{ callNext: { id: string; window: number } }>(CALL_NEXT, { window: 1 }, t.clerk));
      expect(atOne.callNext).toEqual({ id: ticket.id, caseId: next, window: 1 });
      expect(ok(await sys.gql<{ callNext: null }>(CALL_NEXT, { window: 2 }, t.clerk)).callNext).toBeNull();
      const queue = ok(
        await sys.gql<{ counterQueue: { id: string; serviceDate: string }[] }>(QUEUE, { id: 'chaoyang-cbd' }, t.clerk),
      );
      expect(queue.counterQueue).toEqual([{ id: ticket.id, status: 'CALLED', serviceDate: tuesday, window: 1 }]);
      // The clerk can no longer act on yesterday's tickets: the day closed them.
      expect(errorCode(await sys.gql(COMPLETE, { id: (await ticketOf(serving)).id }, t.clerk))).toBe(
        'INVALID_TRANSITION',
      );
      expect(errorCode(await sys.gql(START, { id: (await ticketOf(called)).id }, t.clerk))).toBe('INVALID_TRANSITION');
      ok(await sys.gql(START, { id: ticket.id }, t.clerk));
      ok(await sys.gql(COMPLETE, { id: ticket.id }, t.clerk));
    });
  });

  describe('after downtime over closing', () => {
    let clerk: string;
    let serving: string;
    let called: string;
    let waiting: string;
    /** Served at window 3; its row is held locked over the restart, as if no sweep reached it. */
    let stuck: string;
    let stuckId: string;
    let holder: pg.PoolClient | undefined;
    const closing = (): Date => shanghai(tuesday, '17:00');
    const wednesday = (): string => addCalendarDays(tuesday, 1);

    /** Moves the shared clock the way the gateway would, while counter-scheduling (which serves /dev/clock) is down. */
    const moveClockInDatabase = async (target: Date): Promise<void> => {
      const offset = (
        await sys.sql.query<{ offset_ms: string }>('SELECT offset_ms FROM platform.dev_clock WHERE id = 1')
      ).rows[0]?.offset_ms;
      const ms = target.getTime() - (Date.now() + Number(offset ?? 0));
      expect(ms).toBeGreaterThan(0);
      const r = await sys.sql.query<{ offset_ms: string }>(
        `INSERT INTO platform.dev_clock (id, offset_ms, updated_at) VALUES (1, $1, now())
         ON CONFLICT (id) DO UPDATE SET offset_ms = platform.dev_clock.offset_ms + $1, updated_at = now()
         RETURNING offset_ms`,
        [Math.round(ms)],
      );
      await sys.sql.query('SELECT pg_notify($1, $2)', [CLOCK_CHANNEL, r.rows[0]!.offset_ms]);
    };

    beforeAll(async () => {
      clerk = await sys.token('CLERK', { counterId: 'xicheng' });
      await moveClockTo(sys, shanghai(tuesday, '15:00'));
      serving = await toWindow(clerk, 1, true);
      called = await toWindow(clerk, 2, false);
      stuck = await toWindow(clerk, 3, true);
      stuckId = (await ticketOf(stuck)).id;
      waiting = await seedCase(sys, { category: 'A' });
      ok(await sys.gql(CHECK_IN, { caseId: waiting }, clerk));
    });
    afterAll(async () => {
      await holder?.query('ROLLBACK').catch(() => undefined);
      holder?.release();
    });

    it('catches up on start: the closing that passed while the subgraph was down closes the day at its closing time', async () => {
      await sys.stack.stopService('counter-scheduling');
      await moveClockInDatabase(shanghai(wednesday(), '09:10'));
      holder = await sys.sql.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM cs.ticket WHERE id = $1 FOR UPDATE', [stuckId]);
      await sys.stack.startService('counter-scheduling');

      await waitFor(async () => (await unfinished('xicheng')) === 1, 10_000, 'the sweep to catch up on Tuesday');
      expect(await ticketOf(serving)).toMatchObject({ status: 'DONE', completedAt: closing() });
      expect(await ticketOf(called)).toMatchObject({ status: 'MISSED', completedAt: closing() });
      expect(await ticketOf(waiting)).toMatchObject({ status: 'UNSERVED', completedAt: closing() });
      const [completed] = await eventsOf('queue.service-completed', serving);
      expect(completed!.payload).toMatchObject({ at: closing().toISOString(), closedAtEndOfDay: true, window: 1 });
      const [missed] = await eventsOf('queue.ticket-missed', called);
      expect(missed!.payload).toMatchObject({ at: closing().toISOString(), closedAtEndOfDay: true, window: 2 });
      expect(await countEvents(sys, 'queue.ticket-unserved', waiting)).toBe(1);
    });

    it('a ticket an earlier day left at a window stays in the queue and does not block the window', async () => {
      expect(errorCode(await sys.gql(QUEUE, { id: 'xicheng' }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await sys.gql(QUEUE, { id: 'xicheng' }, t.agency))).toBe('FORBIDDEN');
      const queue = ok(await sys.gql<{ counterQueue: unknown[] }>(QUEUE, { id: 'xicheng' }, clerk)).counterQueue;
      expect(queue).toEqual([{ id: stuckId, status: 'SERVING', serviceDate: tuesday, window: 3 }]);
      // Today nobody waits at xicheng: the window answers, rather than "serving ticket …".
      const res = await sys.gql<{ callNext: null }>(CALL_NEXT, { window: 3 }, clerk);
      expect(ok(res).callNext).toBeNull();
      expect((await ticketOf(stuck)).status).toBe('SERVING');
    });

    it('the clerk completes it; the sweep, free to reach it again, appends nothing more', async () => {
      const completing = sys.gql<{ completeService: { status: string; completedAt: string } }>(
        COMPLETE,
        { id: stuckId },
        clerk,
      );
      // The clerk's request queues on the row lock (the sweep skips locked rows); once it waits
      // behind the holder, releasing the lock lets the clerk go first.
      const holderPid = (await holder!.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await waitFor(
        async () =>
          (
            await sys.sql.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))',
              [holderPid],
            )
          ).rows[0]!.n > 0,
        15_000,
        "the clerk's request to wait for the ticket's row",
      );
      await holder!.query('COMMIT');
      holder!.release();
      holder = undefined;
      const done = ok(await completing).completeService;
      expect(done.status).toBe('DONE');
      expect(new Date(done.completedAt).getTime()).toBeGreaterThan(shanghai(wednesday(), '09:00').getTime());
      const [event] = await eventsOf('queue.service-completed', stuck);
      expect(event!.payload).not.toHaveProperty('closedAtEndOfDay');
      expect(event!.actor_id).not.toBeNull();

      const before = await queueEventCounts();
      await sys.advanceClock(60_000);
      await new Promise((r) => setTimeout(r, 2500));
      expect(await queueEventCounts()).toEqual(before);
      expect(await unfinished('xicheng')).toBe(0);
      for (const caseId of [serving, stuck]) expect(await countEvents(sys, 'queue.service-completed', caseId)).toBe(1);
      expect(await countEvents(sys, 'queue.ticket-missed', called)).toBe(1);
      expect(ok(await sys.gql<{ counterQueue: unknown[] }>(QUEUE, { id: 'xicheng' }, clerk)).counterQueue).toEqual([]);
      expect(shanghaiDate(new Date(done.completedAt))).toBe(wednesday());
    });
  });
});
