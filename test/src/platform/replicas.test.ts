/**
 * Two of everything on one database, as `ONESTOP_REPLICAS=2 pnpm start` runs it: two
 * instances of each subgraph and two gateways (gateway n uses subgraph instance n). A change
 * through one gateway reaches a subscriber on the other, the last place is booked once
 * whichever gateway the bookings come through, every SLA warning and breach and every reaction
 * of the event consumers happens exactly once, and an instance that stops (or is killed)
 * mid-stream loses nothing.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import { DEMO_EMPLOYERS } from '@onestop/common/testing';
import {
  gqlAt,
  startTestSystem,
  waitFor,
  type TestSystem,
  count,
  moveClockTo,
  nextWorkingMonday,
  ok,
  seedCase,
  shanghai,
  tokens,
  alertCounts,
  alertsOutOfOrder,
  businessNow,
  CaseEvents,
  consumed,
  agencyToken,
  filing,
  today,
} from '../testkit/index.js';

/** graphql-ws only needs a WebSocket constructor; loaded untyped (the test package has no @types/ws). */
const WebSocket: unknown = createRequire(import.meta.url)('ws');

const MINUTE = 60_000;
const CHECK_IN = `mutation ($caseId: ID!) { checkIn(caseId: $caseId) { id } }`;
const LOAD_SUB = `subscription ($id: ID) { counterLoadChanged(counterId: $id) { counterId waiting eventId } }`;
const UPDATE = `mutation ($id: ID!, $input: ServiceCounterInput!) { updateServiceCounter(id: $id, input: $input) { id capacityPerSlot } }`;
const BOOK = `mutation ($caseId: ID!, $counterId: ID!, $slotStart: DateTimeISO!, $key: String!) {
  bookAppointment(caseId: $caseId, counterId: $counterId, slotStart: $slotStart, idempotencyKey: $key) { id }
}`;

/** Moves the shared development clock through one gateway (it waits until its own subgraphs see it). */
async function advanceVia(sys: TestSystem, gatewayUrl: string, ms: number): Promise<void> {
  const token = await sys.token('MANAGER');
  const res = await fetch(new URL('/dev/clock', gatewayUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ advanceMs: ms }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

interface LoadPush {
  counterLoadChanged: { counterId: string; waiting: number; eventId: string };
}

describe('two instances of every subgraph and gateway on one database', () => {
  let sys: TestSystem;
  let t: Awaited<ReturnType<typeof tokens>>;
  let monday: string;
  let gw1: string;
  let gw2: string;
  const clients: Client[] = [];
  /** A graphql-ws client on a gateway, closed after the file. */
  const wsClient = (gatewayUrl: string, token: string): Client => {
    const client = createClient({
      url: gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    // Small sweep batches, so both counter-scheduling instances take turns on the same due clocks.
    sys = await startTestSystem({ SLA_SWEEP_BATCH_SIZE: '20' }, { replicas: 2 });
    [gw1, gw2] = sys.gatewayUrls as [string, string];
    t = await tokens(sys);
    monday = await nextWorkingMonday(sys);
    await moveClockTo(sys, shanghai(monday, '10:00'));
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await sys?.stop();
  });

  it('runs two of each on distinct ports, each gateway on its own set of subgraphs', () => {
    const ports = Object.values(sys.stack.instances).flatMap((list) => list.map((i) => i.port));
    expect(new Set(ports).size).toBe(ports.length);
    for (const name of ['gateway', 'work-permit', 'residence-permit', 'counter-scheduling'] as const) {
      expect(sys.stack.instances[name]).toHaveLength(2);
      expect(sys.stack.pid(name, 1)).not.toBe(sys.stack.pid(name, 2));
    }
    expect(sys.stack.instances.dashboard).toHaveLength(1);
  });

  it('a check-in through gateway 1 reaches a counterLoadChanged subscriber on gateway 2 within 1 s', async () => {
    const clerk = await sys.token('CLERK', { counterId: 'mentougou' });
    const client = wsClient(gw2, t.manager);
    const pushes: { at: number; value: LoadPush }[] = [];
    const errors: unknown[] = [];
    client.subscribe<LoadPush>(
      { query: LOAD_SUB, variables: { id: 'mentougou' } },
      {
        next: (r) => (r.errors ? errors.push(r.errors) : pushes.push({ at: performance.now(), value: r.data! })),
        error: (e) => errors.push(e),
        complete: () => undefined,
      },
    );
    // One check-in to see the subscription live end to end (its upstream is set up lazily),
    // then five measured ones: from sending the check-in to gateway 1 to the push on gateway 2.
    const start = ok(
      await gqlAt<{ counterLoad: { waiting: number } }>(
        gw1,
        `query { counterLoad(counterId: "mentougou") { waiting } }`,
        {},
        t.manager,
      ),
    ).counterLoad.waiting;
    const latencies: number[] = [];
    for (let i = 0; i < 6; i++) {
      const caseId = await seedCase(sys, { category: 'A' });
      const before = pushes.length;
      const sent = performance.now();
      ok(await gqlAt(gw1, CHECK_IN, { caseId }, clerk));
      const push = await waitFor(
        () => pushes.slice(before).find((p) => p.value.counterLoadChanged.waiting === start + i + 1),
        15_000,
        `the push of check-in ${i + 1}`,
      );
      if (i > 0) latencies.push(push.at - sent);
    }
    expect(errors).toEqual([]);
    expect(new Set(pushes.map((p) => p.value.counterLoadChanged.eventId)).size).toBe(pushes.length);
    const sorted = [...latencies].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    process.stdout.write(
      `[replicas] check-in via gateway 1 → counterLoadChanged on gateway 2: ${latencies.map((l) => `${l.toFixed(0)} ms`).join(', ')} (median ${median.toFixed(0)} ms)\n`,
    );
    // The issue's bound, on the median of five, so one pause of a loaded machine does not decide it.
    expect(median).toBeLessThanOrEqual(1000);
    expect(pushes.every((p) => p.value.counterLoadChanged.counterId === 'mentougou')).toBe(true);
  }, 120_000);

  it('20 concurrent bookings for the last place, spread over both gateways, book exactly one', async () => {
    ok(await gqlAt(gw2, UPDATE, { id: 'fengtai', input: { capacityPerSlot: 1 } }, t.manager));
    const slotStart = shanghai(monday, '15:00').toISOString();
    const cases = await Promise.all(Array.from({ length: 20 }, () => seedCase(sys)));
    const results = await Promise.all(
      cases.map((caseId, i) =>
        gqlAt(
          i % 2 ? gw2 : gw1,
          BOOK,
          { caseId, counterId: 'fengtai', slotStart, key: `replicas-${caseId}` },
          t.agency,
        ),
      ),
    );
    const won = results.filter((r) => !r.errors);
    expect(won).toHaveLength(1);
    const lost = results.filter((r) => r.errors);
    expect(lost.map((r) => r.errors![0]!.extensions?.code)).toEqual(Array(19).fill('CONFLICT'));
    expect(await count(sys, 'appointment', `counter_id = 'fengtai' AND slot_start = $1`, [slotStart])).toBe(1);
    const booked = await sys.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM platform.event_log WHERE type = 'appointment.booked' AND aggregate_id = ANY ($1)`,
      [cases],
    );
    expect(booked.rows[0]!.n).toBe(1);
  }, 120_000);

  it('event consumers on both instances react to every filing exactly once, also when one is killed mid-stream', async () => {
    const agency = await agencyToken(sys, 0);
    const day = await today(sys);
    const employer = DEMO_EMPLOYERS[0].id;
    const filed: string[] = [];
    const fileThrough = async (url: string): Promise<void> => {
      const res = await gqlAt<{ fileCase: { id: string } }>(
        url,
        `mutation File($i: FileCaseInput!) { fileCase(input: $i) { id } }`,
        { i: filing(employer, day) },
        agency,
      );
      filed.push(ok(res).fileCase.id);
    };
    for (let i = 0; i < 10; i++) await fileThrough(i % 2 ? gw2 : gw1);
    // kill -9 one residence-permit and one counter-scheduling while they consume these filings.
    const victims = [sys.stack.pid('residence-permit', 1)!, sys.stack.pid('counter-scheduling', 1)!];
    for (const pid of victims) process.kill(pid, 'SIGKILL');
    // Gateway 1's set has lost two subgraphs: gateway 2 (and the surviving instances) carry on.
    for (let i = 0; i < 10; i++) await fileThrough(gw2);
    expect(filed).toHaveLength(20);

    const perCase = async (type: string): Promise<Map<string, number>> => {
      const r = await sys.sql.query<{ id: string; n: number }>(
        `SELECT aggregate_id::text AS id, count(*)::int AS n FROM platform.event_log
         WHERE type = $1 AND aggregate_id = ANY ($2) GROUP BY 1`,
        [type, filed],
      );
      return new Map(r.rows.map((row) => [row.id, row.n]));
    };
    await waitFor(
      async () => {
        const created = await perCase('residence-permit.created');
        const clocks = await sys.sql.query<{ n: number }>(
          `SELECT count(DISTINCT case_id)::int AS n FROM cs.sla_clock WHERE case_id = ANY ($1)`,
          [filed],
        );
        return created.size === 20 && clocks.rows[0]!.n === 20;
      },
      60_000,
      'every filing to reach residence-permit and the SLA clocks',
    );
    const head = (await sys.sql.query<{ id: string }>(`SELECT max(id)::text AS id FROM platform.event_log`)).rows[0]!
      .id;
    await consumed(sys, head);
    for (const type of ['case.submitted', 'residence-permit.created']) {
      const counts = await perCase(type);
      expect([...counts.values()], type).toEqual(Array(20).fill(1));
    }
    const rows = await sys.sql.query<{ case_id: string; n: number }>(
      `SELECT case_id::text, count(*)::int AS n FROM cs.sla_clock WHERE case_id = ANY ($1) GROUP BY 1`,
      [filed],
    );
    expect(rows.rows.map((r) => r.n)).toEqual(Array(20).fill(1));
    const permits = await sys.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM rp.residence_permit WHERE case_id = ANY ($1)`,
      [filed],
    );
    expect(permits.rows[0]!.n).toBe(20);
    // Bring gateway 1's set back for the next test.
    await sys.stack.startService('residence-permit', 1);
    await sys.stack.startService('counter-scheduling', 1);
  }, 180_000);

  it('SLA sweeps on both instances fire every warning and breach exactly once, also when one stops mid-stream', async () => {
    const CLOCKS = 100;
    const t0 = await businessNow(sys);
    const cases: CaseEvents[] = [];
    for (let i = 0; i < CLOCKS; i++) {
      const c = new CaseEvents(sys, DEMO_EMPLOYERS[i % DEMO_EMPLOYERS.length].id, 'B');
      cases.push(c);
      // Start times spread over 100 seconds, so thresholds fall due across many sweeps of both instances.
      await c.ticketIssued(new Date(t0.getTime() + (i % 50) * 2000), i % 2 ? 'dongcheng' : 'xicheng');
    }
    const last = (await sys.sql.query<{ id: string }>(`SELECT max(id)::text AS id FROM platform.event_log`)).rows[0]!
      .id;
    await consumed(sys, last);
    const ids = cases.map((c) => c.caseId);
    const thresholds = (): ReturnType<typeof alertCounts> => alertCounts(sys, ids);

    // A manager watching alerts on each gateway from `since` = before these clocks' first alert
    // (as a screen that must miss nothing subscribes): each must see every alert once, although
    // gateway 1's counter-scheduling stops for a while (its upstream resumes from the last eventId).
    const watchers = [gw1, gw2].map((url) => {
      const client = wsClient(url, t.manager);
      const alerts: { eventId: string; case: { id: string } }[] = [];
      const errors: unknown[] = [];
      const state = { completed: false };
      client.subscribe<{ slaBreached: { eventId: string; case: { id: string } } }>(
        {
          query: `subscription ($since: ID) { slaBreached(since: $since) { eventId threshold case { id } } }`,
          variables: { since: last },
        },
        {
          next: (r) => (r.errors ? errors.push(r.errors) : alerts.push(r.data!.slaBreached)),
          error: (e) => errors.push(e),
          complete: () => (state.completed = true),
        },
      );
      return { alerts, errors, state };
    });
    const ours = new Set<string>(ids);
    const seen = (w: (typeof watchers)[number]): string[] =>
      w.alerts.filter((a) => ours.has(a.case.id)).map((a) => a.eventId);

    // Past every 50% mark (the 30-minute counter wait: 15 min after the last ticket, 98 s after the first): both instances sweep.
    await sys.advanceClock(17 * MINUTE);
    await waitFor(async () => (await thresholds())[0]?.n === CLOCKS, 30_000, 'every 50% warning');
    // Past the 75% marks, and counter-scheduling#1 stops while the sweeps run.
    await sys.advanceClock(8 * MINUTE);
    await sys.stack.stopService('counter-scheduling', 1);
    // Past every breach: counter-scheduling#2 alone (moved through gateway 2: gateway 1's counter-scheduling is down).
    await advanceVia(sys, gw2, 10 * MINUTE);
    await waitFor(
      async () =>
        (await sys.sql.query(`SELECT count(*)::int AS n FROM cs.sla_breach WHERE case_id = ANY ($1)`, [ids])).rows[0]!
          .n === CLOCKS,
      30_000,
      'every breach',
    );
    // It comes back, and sweeps again with the other: nothing more may appear.
    await sys.stack.startService('counter-scheduling', 1);
    await sys.advanceClock(MINUTE);
    await new Promise((r) => setTimeout(r, 1500));

    expect(await thresholds()).toEqual([
      { threshold: 50, n: CLOCKS, clocks: CLOCKS },
      { threshold: 75, n: CLOCKS, clocks: CLOCKS },
      { threshold: 100, n: CLOCKS, clocks: CLOCKS },
    ]);
    expect(await alertsOutOfOrder(sys, ids)).toEqual([]);
    for (const [i, w] of watchers.entries()) {
      await waitFor(() => seen(w).length >= 3 * CLOCKS, 60_000, `every alert on gateway ${i + 1}`).catch((err) => {
        const diag = `${seen(w).length} of ${3 * CLOCKS} seen, completed: ${w.state.completed}, errors: ${JSON.stringify(w.errors)}`;
        throw new Error(
          `${(err as Error).message} (${diag})\n${sys.logs
            .filter((l) => l.startsWith('[gateway'))
            .slice(-20)
            .join('\n')}`,
        );
      });
      expect(w.errors, `gateway ${i + 1}`).toEqual([]);
      expect(new Set(seen(w)).size, `gateway ${i + 1}: no alert twice`).toBe(seen(w).length);
      expect(seen(w).length).toBe(3 * CLOCKS);
    }
  }, 240_000);

  it("the counters' time-driven sweeps on both instances (no-shows, the day closed) fire exactly once", async () => {
    const counters = ['dongcheng', 'xicheng', 'chaoyang-cbd', 'huairou', 'daxing-airport'];
    const booked: string[] = [];
    for (const [i, counterId] of counters.entries()) {
      for (const hhmm of ['11:00', '11:30']) {
        for (let k = 0; k < 2; k++) {
          const caseId = await seedCase(sys);
          const slotStart = shanghai(monday, hhmm).toISOString();
          ok(await gqlAt(k % 2 ? gw2 : gw1, BOOK, { caseId, counterId, slotStart, key: `sweep-${caseId}` }, t.agency));
          booked.push(caseId);
        }
      }
      expect(booked).toHaveLength((i + 1) * 4);
    }
    const clerk = await sys.token('CLERK', { counterId: 'mentougou' });
    for (let i = 0; i < 10; i++) {
      ok(await gqlAt(i % 2 ? gw2 : gw1, CHECK_IN, { caseId: await seedCase(sys, { category: 'A' }) }, clerk));
    }
    const waiting = await sys.sql.query<{ id: string }>(
      `SELECT id::text FROM cs.ticket WHERE counter_id = 'mentougou' AND status = 'WAITING'`,
    );
    expect(waiting.rows.length).toBeGreaterThanOrEqual(10);
    const tickets = waiting.rows.map((r) => r.id);

    // Past every slot and past closing time: both instances sweep at once.
    await moveClockTo(sys, shanghai(monday, '19:00'));
    const perAggregate = async (type: string, ids: string[], key = 'aggregate_id::text'): Promise<number[]> =>
      (
        await sys.sql.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM platform.event_log WHERE type = $1 AND ${key} = ANY ($2) GROUP BY ${key}`,
          [type, ids],
        )
      ).rows.map((r) => r.n);
    await waitFor(
      async () =>
        (await perAggregate('appointment.no-show', booked)).length === booked.length &&
        (await perAggregate('queue.ticket-unserved', tickets, "payload->>'ticketId'")).length === tickets.length,
      30_000,
      'every no-show and every unserved ticket',
    );
    await new Promise((r) => setTimeout(r, 2500)); // more passes of both sweepers: nothing more may appear
    expect(await perAggregate('appointment.no-show', booked)).toEqual(Array(booked.length).fill(1));
    expect(await perAggregate('queue.ticket-unserved', tickets, "payload->>'ticketId'")).toEqual(
      Array(tickets.length).fill(1),
    );
  }, 180_000);
});
