import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import { signedConnectionParams, subgraphSecret } from '@onestop/common';
import { repoRoot, freePort } from '@onestop/scripts';
import {
  startTestSystem,
  waitFor,
  type TestSystem,
  errorCode,
  moveClockTo,
  nextWorkingMonday,
  ok,
  seedCase,
  shanghai,
  tokens,
} from '../testkit/index.js';

/** graphql-ws only needs a WebSocket constructor; loaded untyped (the test package has no @types/ws). */
const WebSocket: unknown = createRequire(import.meta.url)('ws');

const LOAD_FIELDS = `counterId date open windowsOpen waiting beingServed servedToday noShowsToday
  averageWaitMinutesToday p90WaitMinutesToday utilisation appointmentsLeftToday eventId`;
const COUNTER_LOAD = `query ($id: ID!) { counterLoad(counterId: $id) { ${LOAD_FIELDS} } }`;
const CITY_LOAD = `{ cityLoad { openCounters windowsOpen waiting beingServed servedToday noShowsToday averageWaitMinutesToday appointmentsLeftToday utilisation eventId counters { counterId waiting } } }`;
const BOOK = `mutation ($caseId: ID!, $counterId: ID!, $slotStart: DateTimeISO!, $key: String!) {
  bookAppointment(caseId: $caseId, counterId: $counterId, slotStart: $slotStart, idempotencyKey: $key) { id }
}`;
const CHECK_IN = `mutation ($caseId: ID!) { checkIn(caseId: $caseId) { id } }`;
const CALL_NEXT = `mutation ($window: Int!) { callNext(window: $window) { id } }`;

interface Load {
  counterId: string;
  open: boolean;
  windowsOpen: number;
  waiting: number;
  beingServed: number;
  servedToday: number;
  noShowsToday: number;
  averageWaitMinutesToday: number | null;
  p90WaitMinutesToday: number | null;
  utilisation: number;
  appointmentsLeftToday: number;
  eventId: string;
}

/** Pushes of one subscription, collected as they arrive. */
class Pushes<T> {
  readonly values: T[] = [];
  readonly errors: unknown[] = [];
  private unsubscribe: () => void;
  constructor(client: Client, query: string, variables: Record<string, unknown>) {
    this.unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (r) => (r.errors ? this.errors.push(r.errors) : this.values.push(r.data as T)),
        error: (e) => this.errors.push(e),
        complete: () => undefined,
      },
    );
  }
  stop(): void {
    this.unsubscribe();
  }
}

describe('counter-scheduling: live counter load', () => {
  let sys: TestSystem;
  let t: Awaited<ReturnType<typeof tokens>>;
  let monday: string;
  let second: ChildProcess | undefined;
  let secondUrl: string;
  const clients: Client[] = [];

  const wsClient = (url: string, token: string): Client => {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: () =>
        signedConnectionParams(subgraphSecret('counter-scheduling', 'test'), `Bearer ${token}`, Date.now()),
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sys = await startTestSystem();
    t = await tokens(sys);
    monday = await nextWorkingMonday(sys);
    await moveClockTo(sys, shanghai(monday, '10:00'));
    // A second counter-scheduling instance on the same database, as a scaled-out deployment runs it.
    const port = await freePort();
    second = spawn(process.execPath, [path.join(repoRoot, 'services/counter-scheduling/dist/main.js')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: sys.stack.databaseUrl,
        COUNTER_SCHEDULING_PORT: String(port),
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    second.stderr!.on('data', (c: Buffer) => sys.logs.push(`[counter-scheduling#2] ${c.toString()}`));
    secondUrl = `ws://127.0.0.1:${port}/graphql`;
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/ready`)).ok,
      60_000,
      'the second counter-scheduling instance',
    );
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    if (second && second.exitCode === null) {
      const exited = new Promise((r) => second!.once('exit', r));
      second.kill('SIGTERM');
      await exited;
    }
    await sys?.stop();
  });

  it('rejects unauthenticated and agency readers, and unknown counters', async () => {
    expect(errorCode(await sys.gql(COUNTER_LOAD, { id: 'dongcheng' }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await sys.gql(COUNTER_LOAD, { id: 'dongcheng' }, t.agency))).toBe('FORBIDDEN');
    expect(errorCode(await sys.gql(CITY_LOAD, {}, t.agency))).toBe('FORBIDDEN');
    expect(errorCode(await sys.gql(COUNTER_LOAD, { id: 'nowhere' }, t.manager))).toBe('NOT_FOUND');
  });

  it('counts waiting, served, no-shows, waits, utilisation and appointments left, per counter and for the city', async () => {
    const clerk = await sys.token('CLERK', { counterId: 'dongcheng' });
    const noShow = await seedCase(sys);
    const later = await seedCase(sys);
    for (const [caseId, hhmm] of [
      [noShow, '10:30'],
      [later, '14:00'],
    ] as const) {
      ok(
        await sys.gql(
          BOOK,
          { caseId, counterId: 'dongcheng', slotStart: shanghai(monday, hhmm).toISOString(), key: `l-${caseId}` },
          t.agency,
        ),
      );
    }
    const walkIns = [
      await seedCase(sys, { category: 'A' }),
      await seedCase(sys, { category: 'A' }),
      await seedCase(sys, { category: 'A' }),
    ];
    for (const c of walkIns) ok(await sys.gql(CHECK_IN, { caseId: c }, clerk));
    const initial = ok(await sys.gql<{ counterLoad: Load }>(COUNTER_LOAD, { id: 'dongcheng' }, t.manager)).counterLoad;
    // Nobody has opened a window yet: the counter is open, its windows are not (issue 12).
    expect(initial).toMatchObject({
      open: true,
      windowsOpen: 0,
      waiting: 3,
      beingServed: 0,
      servedToday: 0,
      appointmentsLeftToday: 2,
      averageWaitMinutesToday: null,
      utilisation: 0,
    });

    const colleague = await sys.token('CLERK', { counterId: 'dongcheng', sub: 'clerk-colleague', name: 'Colleague' });
    const OPEN = `mutation ($w: Int!) { openWindow(counterId: "dongcheng", window: $w) { window open clerkName } }`;
    ok(await sys.gql(OPEN, { w: 1 }, clerk));
    expect(ok(await sys.gql<{ openWindow: object }>(OPEN, { w: 2 }, colleague)).openWindow).toEqual({
      window: 2,
      open: true,
      clerkName: 'Colleague',
    });
    await moveClockTo(sys, shanghai(monday, '10:06'));
    const first = ok(await sys.gql<{ callNext: { id: string } }>(CALL_NEXT, { window: 1 }, clerk)).callNext;
    ok(await sys.gql(`mutation ($id: ID!) { startService(ticketId: $id) { id } }`, { id: first.id }, clerk));
    ok(await sys.gql(`mutation ($id: ID!) { completeService(ticketId: $id) { id } }`, { id: first.id }, clerk));
    await moveClockTo(sys, shanghai(monday, '10:16'));
    ok(await sys.gql(CALL_NEXT, { window: 1 }, clerk));
    ok(await sys.gql(CALL_NEXT, { window: 2 }, colleague));
    const busy = ok(await sys.gql<{ counterLoad: Load }>(COUNTER_LOAD, { id: 'dongcheng' }, t.manager)).counterLoad;
    expect(busy).toMatchObject({
      waiting: 0,
      beingServed: 2,
      servedToday: 1,
      noShowsToday: 0,
      appointmentsLeftToday: 2,
    });
    // Waits of 6, 16 and 16 minutes (less the real seconds the check-ins took).
    expect(busy.averageWaitMinutesToday).toBeCloseTo(38 / 3, 0);
    expect(busy.p90WaitMinutesToday).toBeCloseTo(16, 0);
    expect(busy.windowsOpen).toBe(2);
    expect(busy.utilisation).toBeCloseTo(1);
    expect(BigInt(busy.eventId)).toBeGreaterThan(BigInt(initial.eventId));

    await moveClockTo(sys, shanghai(monday, '11:01'));
    const afterNoShow = await waitFor(
      async () => {
        const l = ok(await sys.gql<{ counterLoad: Load }>(COUNTER_LOAD, { id: 'dongcheng' }, t.manager)).counterLoad;
        return l.noShowsToday === 1 ? l : undefined;
      },
      10_000,
      'the no-show to count',
    );
    expect(afterNoShow.appointmentsLeftToday).toBe(1);

    type City = {
      cityLoad: Omit<Load, 'counterId' | 'open'> & {
        openCounters: number;
        counters: { counterId: string; waiting: number }[];
      };
    };
    const city = ok(await sys.gql<City>(CITY_LOAD, {}, t.manager)).cityLoad;
    expect(city.counters).toHaveLength(15);
    expect(city.openCounters).toBe(15);
    expect(city.windowsOpen).toBe(2);
    expect(city.beingServed).toBe(2);
    expect(city.servedToday).toBe(1);
    expect(city.noShowsToday).toBe(1);
    expect(city.waiting).toBe(city.counters.reduce((n, c) => n + c.waiting, 0));
    expect(city.averageWaitMinutesToday).toBe(busy.averageWaitMinutesToday);
  });

  it('pushes a change made through instance A to a subscriber on instance B, and replays from `since`', async () => {
    const clerk = await sys.token('CLERK', { counterId: 'mentougou' });
    const before = ok(await sys.gql<{ counterLoad: Load }>(COUNTER_LOAD, { id: 'mentougou' }, t.manager)).counterLoad;
    const client = wsClient(secondUrl, t.manager);
    const SUB = `subscription ($id: ID, $since: ID) { counterLoadChanged(counterId: $id, since: $since) { counterId waiting eventId } }`;
    const one = new Pushes<{ counterLoadChanged: Load }>(client, SUB, { id: 'mentougou', since: before.eventId });
    const all = new Pushes<{ counterLoadChanged: Load }>(client, SUB, { since: before.eventId });

    // Through the gateway, i.e. instance A.
    const caseId = await seedCase(sys, { category: 'A' });
    ok(await sys.gql(CHECK_IN, { caseId }, clerk));

    const pushed = await waitFor(
      () => one.values.find((v) => v.counterLoadChanged.waiting === before.waiting + 1),
      10_000,
      'the push on instance B',
    );
    expect(pushed.counterLoadChanged.counterId).toBe('mentougou');
    expect(BigInt(pushed.counterLoadChanged.eventId)).toBeGreaterThan(BigInt(before.eventId));
    await waitFor(
      () =>
        all.values.some(
          (v) => v.counterLoadChanged.counterId === 'mentougou' && v.counterLoadChanged.waiting === before.waiting + 1,
        ),
      10_000,
      'the all-counters push',
    );
    expect(one.values.every((v) => v.counterLoadChanged.counterId === 'mentougou')).toBe(true);
    expect(one.errors).toEqual([]);

    // A client that reconnects with the last id it saw before the change gets the change replayed.
    const resumed = new Pushes<{ counterLoadChanged: Load }>(wsClient(secondUrl, t.manager), SUB, {
      id: 'mentougou',
      since: before.eventId,
    });
    await waitFor(
      () => resumed.values.some((v) => v.counterLoadChanged.waiting === before.waiting + 1),
      10_000,
      'the replayed push',
    );
    one.stop();
    all.stop();
    resumed.stop();
  });

  it('refuses a subscription to an agency, and to an unknown counter', async () => {
    const SUB = `subscription ($id: ID) { counterLoadChanged(counterId: $id) { counterId } }`;
    const agency = new Pushes(wsClient(secondUrl, t.agency), SUB, { id: 'mentougou' });
    const unknown = new Pushes(wsClient(secondUrl, t.manager), SUB, { id: 'nowhere' });
    const badSince = new Pushes(
      wsClient(secondUrl, t.manager),
      `subscription { counterLoadChanged(since: "x") { counterId } }`,
      {},
    );
    await waitFor(
      () => agency.errors.length > 0 && unknown.errors.length > 0 && badSince.errors.length > 0,
      10_000,
      'the refusals',
    );
    const codes = (p: Pushes<unknown>): string => JSON.stringify(p.errors);
    expect(codes(agency)).toContain('FORBIDDEN');
    expect(codes(unknown)).toContain('NOT_FOUND');
    expect(codes(badSince)).toContain('BAD_USER_INPUT');
    expect(agency.values).toEqual([]);
  });
});
