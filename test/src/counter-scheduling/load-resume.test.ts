/**
 * Resuming `counterLoadChanged` with `since`: a load is a snapshot, so a replay pushes each
 * changed counter's current load once, labelled with the latest event it reflects; resuming
 * from that label repeats nothing and misses nothing. Checked on the subgraph directly and
 * through the gateway, for one counter and for all.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import { signedConnectionParams, subgraphSecret } from '@onestop/common';
import {
  startTestSystem,
  waitFor,
  type TestSystem,
  moveClockTo,
  nextWorkingMonday,
  ok,
  seedCase,
  shanghai,
  tokens,
} from '../testkit/index.js';

/** graphql-ws only needs a WebSocket constructor; loaded untyped (the test package has no @types/ws). */
const WebSocket: unknown = createRequire(import.meta.url)('ws');

const SUB = `subscription ($id: ID, $since: ID) { counterLoadChanged(counterId: $id, since: $since) { counterId waiting eventId } }`;
const COUNTER_LOAD = `query ($id: ID!) { counterLoad(counterId: $id) { waiting eventId } }`;
const CHECK_IN = `mutation ($caseId: ID!) { checkIn(caseId: $caseId) { id } }`;

interface Push {
  counterId: string;
  waiting: number;
  eventId: string;
}

/** Pushes of one subscription, in order. */
class Pushes {
  readonly values: Push[] = [];
  readonly errors: unknown[] = [];
  private readonly unsubscribe: () => void;
  constructor(client: Client, variables: Record<string, unknown>) {
    this.unsubscribe = client.subscribe<{ counterLoadChanged: Push }>(
      { query: SUB, variables },
      {
        next: (r) => (r.errors ? this.errors.push(r.errors) : this.values.push(r.data!.counterLoadChanged)),
        error: (e) => this.errors.push(e),
        complete: () => undefined,
      },
    );
  }
  /** Waits for a push that satisfies `ok`; returns every push up to and including it. */
  async until(ok: (p: Push) => boolean, what: string): Promise<Push[]> {
    const i = await waitFor(
      () => {
        const at = this.values.findIndex(ok);
        return at >= 0 ? at : undefined;
      },
      15_000,
      what,
    );
    expect(this.errors).toEqual([]);
    return this.values.slice(0, i + 1);
  }
  stop(): void {
    this.unsubscribe();
  }
}

describe('counterLoadChanged resumed with since', () => {
  let sys: TestSystem;
  let t: Awaited<ReturnType<typeof tokens>>;
  const clients: Client[] = [];

  /** A client of the subgraph itself (signed as the gateway signs) or of the gateway. */
  const client = (where: 'subgraph' | 'gateway'): Client => {
    const c = createClient({
      url: (where === 'subgraph' ? sys.stack.urls['counter-scheduling'] : sys.gatewayUrl).replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: () =>
        where === 'subgraph'
          ? signedConnectionParams(subgraphSecret('counter-scheduling', 'test'), `Bearer ${t.manager}`, Date.now())
          : { authorization: `Bearer ${t.manager}` },
    });
    clients.push(c);
    return c;
  };

  const waiting = async (counterId: string): Promise<{ waiting: number; eventId: string }> =>
    ok(await sys.gql<{ counterLoad: { waiting: number; eventId: string } }>(COUNTER_LOAD, { id: counterId }, t.manager))
      .counterLoad;

  const checkIn = async (counterId: string): Promise<void> => {
    const clerk = await sys.token('CLERK', { counterId });
    ok(await sys.gql(CHECK_IN, { caseId: await seedCase(sys, { category: 'A' }) }, clerk));
  };

  /** The ids of the load changes of `counterId` after `after`. */
  const changeIds = async (counterId: string, after: string): Promise<bigint[]> =>
    (
      await sys.sql.query<{ id: string }>(
        `SELECT id::text FROM platform.event_log WHERE type = 'counter.load-changed' AND counter_id = $1 AND id > $2 ORDER BY id`,
        [counterId, after],
      )
    ).rows.map((r) => BigInt(r.id));

  beforeAll(async () => {
    sys = await startTestSystem();
    t = await tokens(sys);
    await moveClockTo(sys, shanghai(await nextWorkingMonday(sys), '10:00'));
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await sys?.stop();
  });

  for (const where of ['subgraph', 'gateway'] as const) {
    it(`one counter, ${where}: the missed changes come as one push labelled with the latest; resuming from it repeats nothing`, async () => {
      const counter = where === 'subgraph' ? 'huairou' : 'tongzhou';
      const before = await waiting(counter);
      for (let i = 0; i < 3; i++) await checkIn(counter);
      const missed = await changeIds(counter, before.eventId);
      expect(missed).toHaveLength(3);

      const replay = new Pushes(client(where), { id: counter, since: before.eventId });
      const got = await replay.until((p) => p.waiting === before.waiting + 3, 'the replay');
      // Every push is a distinct load; the one that reflects all three changes is labelled with the last.
      expect(new Set(got.map((p) => p.waiting)).size).toBe(got.length);
      expect(BigInt(got.at(-1)!.eventId)).toBe(missed[2]!);
      const labels = got.map((p) => BigInt(p.eventId));
      expect(labels).toEqual([...labels].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(new Set(labels).size).toBe(labels.length);
      replay.stop();

      // Resuming from that label: the next push is the next change, not the same load again.
      const resumed = new Pushes(client(where), { id: counter, since: got.at(-1)!.eventId });
      await checkIn(counter);
      const next = await resumed.until((p) => p.waiting === before.waiting + 4, 'the next change');
      expect(next.map((p) => p.waiting)).toEqual([before.waiting + 4]);
      expect(BigInt(next[0]!.eventId)).toBeGreaterThan(BigInt(got.at(-1)!.eventId));
      resumed.stop();
    });
  }

  it('all counters: nothing missed for either counter, labels strictly increase, resuming from the last repeats nothing', async () => {
    const [a, b] = ['fangshan', 'shunyi'];
    const start = (await waiting(a)).eventId;
    const beforeA = await waiting(a);
    const beforeB = await waiting(b);
    // Interleaved: a, b, a, a.
    await checkIn(a);
    await checkIn(b);
    await checkIn(a);
    await checkIn(a);
    const last = [...(await changeIds(a, start)), ...(await changeIds(b, start))].reduce((x, y) => (x > y ? x : y));

    const replay = new Pushes(client('gateway'), { since: start });
    await replay.until(
      () =>
        replay.values.some((p) => p.counterId === a && p.waiting === beforeA.waiting + 3) &&
        replay.values.some((p) => p.counterId === b && p.waiting === beforeB.waiting + 1),
      'both counters replayed',
    );
    const labels = replay.values.map((p) => BigInt(p.eventId));
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).toEqual([...labels].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    // Seen on the all-counters feed; only our two counters changed since `start`.
    const ours = replay.values.filter((p) => p.counterId === a || p.counterId === b);
    expect(ours.length).toBeLessThanOrEqual(3);
    const maxLabel = labels.reduce((x, y) => (x > y ? x : y));
    expect(maxLabel).toBeGreaterThanOrEqual(last);
    replay.stop();

    const resumed = new Pushes(client('gateway'), { since: maxLabel.toString() });
    await checkIn(b);
    const next = await resumed.until((p) => p.counterId === b && p.waiting === beforeB.waiting + 2, 'the next change');
    expect(next.filter((p) => p.counterId === a || p.counterId === b).map((p) => [p.counterId, p.waiting])).toEqual([
      [b, beforeB.waiting + 2],
    ]);
    resumed.stop();
  });
});
