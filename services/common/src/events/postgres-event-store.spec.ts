import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource, EntityManager } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { openDatabase } from '../db/database.js';
import { PgListener } from '../db/pg-listener.js';
import { platformMigrations } from '../platform/platform-migrations.js';
import { createLogger } from '../logger.js';
import { EVENT_APPEND_LOCK, PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store.js';
import { EventHandlers } from './event-handlers.js';
import { EVENT_TYPES } from '../domain/domain-events.js';
import { EventTail } from './event-tail.js';
import { PostgresSubscription } from './postgres-subscription.js';
import { readHead, type Queryable } from './event-log-queries.js';
import {
  SubscriptionOverflowError,
  type DomainEvent,
  type EventSubscription,
  type RawNewEvent,
} from './event-store.js';

const logger = createLogger('event-store-spec', process.env.LOG_LEVEL ?? 'silent');

/** One simulated process: its own pool, its own listener, its own store. */
interface Proc {
  ds: DataSource;
  listener: PgListener;
  store: PostgresEventStore<RawNewEvent>;
  queries: { count: number };
}

let db: TestDatabase;
const procs: Proc[] = [];

async function startProcess(
  name: string,
  opts: Partial<PostgresEventStoreOptions> & { poolSize?: number } = {},
): Promise<Proc> {
  const queries = { count: 0 };
  const ds = await openDatabase({
    url: db.url,
    schema: 'platform',
    entities: [],
    migrations: platformMigrations,
    logger,
    applicationName: name,
    poolSize: opts.poolSize,
    onQuery: () => queries.count++,
  });
  const listener = new PgListener(db.url, logger);
  const store = new PostgresEventStore<RawNewEvent>({
    dataSource: ds,
    listener,
    logger,
    source: name,
    pollIntervalMs: 250,
    retryInitialMs: 50,
    retryMaxMs: 400,
    ...opts,
  });
  const proc = { ds, listener, store, queries };
  procs.push(proc);
  return proc;
}

let a: Proc;

beforeAll(async () => {
  db = await createTestDatabase('events');
  a = await startProcess('proc-a');
  await a.ds.query(`
    CREATE TABLE public.handled (
      seq      bigserial PRIMARY KEY,
      consumer text   NOT NULL,
      instance text   NOT NULL,
      event_id bigint NOT NULL
    )`);
});

afterAll(async () => {
  for (const p of procs) await p.store.close();
  for (const p of procs) await p.listener.close();
  for (const p of procs) if (p.ds.isInitialized) await p.ds.destroy();
  await db?.drop();
});

/** A type no other test uses, so tests sharing the log do not see each other's events. */
function uniqueType(label: string): string {
  return `test.${label}.${randomUUID().slice(0, 8)}`;
}

function ev(type: string, n = 0): RawNewEvent {
  return {
    type,
    aggregateId: `agg-${n}`,
    employerId: n % 2 ? 'employer-1' : null,
    counterId: null,
    payload: { n },
    actorId: 'actor-1',
    occurredAt: new Date('2026-02-14T09:00:00+08:00'),
  };
}

async function appendCommitted(proc: Proc, events: RawNewEvent[]): Promise<DomainEvent[]> {
  return proc.ds.transaction((tx) => proc.store.append(tx, events));
}

/** A handler that records the event in `public.handled`, in the consumer's transaction. */
function recorder(consumer: string, instance: string) {
  return async (e: DomainEvent, tx: EntityManager): Promise<void> => {
    await tx.query('INSERT INTO public.handled (consumer, instance, event_id) VALUES ($1, $2, $3)', [
      consumer,
      instance,
      e.id,
    ]);
  };
}

async function handledIds(consumer: string): Promise<string[]> {
  const rows: { event_id: string }[] = await a.ds.query(
    'SELECT event_id::text AS event_id FROM public.handled WHERE consumer = $1 ORDER BY seq',
    [consumer],
  );
  return rows.map((r) => r.event_id);
}

async function idsOfTypes(types: string[]): Promise<string[]> {
  const rows: { id: string }[] = await a.ds.query(
    'SELECT id::text AS id FROM platform.event_log e WHERE type = ANY ($1) ORDER BY e.id',
    [types],
  );
  return rows.map((r) => r.id);
}

async function storedPosition(consumer: string): Promise<bigint> {
  const rows: { position: string }[] = await a.ds.query(
    'SELECT position::text AS position FROM platform.consumer_offset WHERE consumer = $1',
    [consumer],
  );
  return BigInt(rows[0]?.position ?? '0');
}

function isIncreasing(ids: readonly string[]): boolean {
  return ids.every((id, i) => i === 0 || BigInt(id) > BigInt(ids[i - 1]!));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Reads a subscription in the background into `events`. */
function collect(sub: EventSubscription): { events: DomainEvent[]; error: () => unknown; done: Promise<void> } {
  const events: DomainEvent[] = [];
  let error: unknown;
  const done = (async () => {
    try {
      for await (const e of sub) events.push(e);
    } catch (err) {
      error = err;
    }
  })();
  return { events, error: () => error, done };
}

describe('PostgresEventStore.append', () => {
  it('refuses an EntityManager that is not inside a transaction, and writes nothing', async () => {
    const type = uniqueType('outside');
    await expect(a.store.append(a.ds.manager, [ev(type)])).rejects.toThrow(/open transaction/);
    const runner = a.ds.createQueryRunner();
    try {
      await expect(a.store.append(runner.manager, [ev(type)])).rejects.toThrow(/open transaction/);
    } finally {
      await runner.release();
    }
    expect(await idsOfTypes([type])).toEqual([]);
  });

  it('returns the stored events with ids in input order, the source and both times', async () => {
    const type = uniqueType('shape');
    const before = BigInt(await a.store.headId());
    const stored = await appendCommitted(a, [ev(type, 1), ev(type, 2), ev(type, 3)]);
    expect(stored.map((e) => e.payload)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(isIncreasing(stored.map((e) => e.id))).toBe(true);
    expect(BigInt(stored[0]!.id)).toBeGreaterThan(before);
    expect(stored[1]).toMatchObject({
      type,
      source: 'proc-a',
      aggregateId: 'agg-2',
      employerId: null,
      counterId: null,
      actorId: 'actor-1',
      occurredAt: new Date('2026-02-14T09:00:00+08:00'),
    });
    expect(stored[1]!.recordedAt).toBeInstanceOf(Date);
    expect(await a.store.readAfter(String(before), { types: [type] })).toEqual(stored);
    expect(await a.store.headId()).toBe(stored[2]!.id);
  });

  it('emits nothing when the transaction rolls back: no row, no delivery', async () => {
    const lost = uniqueType('rolled-back');
    const marker = uniqueType('marker');
    const sub = a.store.subscribe({ types: [lost, marker] });
    await sub.ready;
    const consumerName = `rollback-${randomUUID()}`;
    const consumer = a.store.consume(consumerName, { types: [lost, marker] }, recorder(consumerName, 'a'));
    await consumer.start();

    await expect(
      a.ds.transaction(async (tx) => {
        await a.store.append(tx, [ev(lost, 1), ev(lost, 2)]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const [committed] = await appendCommitted(a, [ev(marker)]);

    expect(await idsOfTypes([lost])).toEqual([]);
    const first = await sub.next();
    expect(first.value).toMatchObject({ id: committed!.id, type: marker });
    await consumer.drain();
    expect(await handledIds(consumerName)).toEqual([committed!.id]);
    sub.close();
    await consumer.stop();
  });
});

describe('delivery', () => {
  it('delivers to subscriptions and consumers in id order', async () => {
    const type = uniqueType('order');
    const since = await a.store.headId();
    const sub = a.store.subscribe({ since, types: [type] });
    const got = collect(sub);
    const name = `order-${randomUUID()}`;
    const consumer = a.store.consume(name, { types: [type], batchSize: 7 }, recorder(name, 'a'));
    await consumer.start();

    await Promise.all(
      Array.from({ length: 10 }, (_, t) =>
        appendCommitted(
          a,
          Array.from({ length: 4 }, (_, i) => ev(type, t * 4 + i)),
        ),
      ),
    );
    const expected = await idsOfTypes([type]);
    expect(expected).toHaveLength(40);

    await consumer.drain();
    expect(await handledIds(name)).toEqual(expected);
    await waitFor('40 events on the subscription', () => got.events.length >= 40);
    expect(got.events.map((e) => e.id)).toEqual(expected);
    sub.close();
    await got.done;
    await consumer.stop();
  });

  it('starts at the head without since: earlier events are not delivered', async () => {
    const type = uniqueType('head');
    await appendCommitted(a, [ev(type, 1)]);
    const sub = a.store.subscribe({ types: [type] });
    await sub.ready;
    const [later] = await appendCommitted(a, [ev(type, 2)]);
    expect((await sub.next()).value).toMatchObject({ id: later!.id, payload: { n: 2 } });
    sub.close();
    expect(await sub.next()).toEqual({ done: true, value: undefined });
  });

  it('applies the filter function, and moves a type-filtered consumer past other types', async () => {
    const wanted = uniqueType('wanted');
    const other = uniqueType('other');
    const since = await a.store.headId();
    const sub = a.store.subscribe({ since, filter: (e) => e.type === wanted && e.employerId === 'employer-1' });
    const name = `filtered-${randomUUID()}`;
    const consumer = a.store.consume(name, { types: [wanted], batchSize: 3 }, recorder(name, 'a'));
    await consumer.start();
    for (let i = 0; i < 6; i++) await appendCommitted(a, [ev(other, i), ev(wanted, i)]);
    await appendCommitted(a, [ev(other, 99)]);

    await consumer.drain();
    expect(await handledIds(name)).toEqual(await idsOfTypes([wanted]));
    // Nothing of its type was left, but it moved past the other type's events too.
    expect(consumer.position()).toBe(await a.store.headId());
    const odd = (await a.store.readAfter(since, { types: [wanted] })).filter((e) => e.employerId === 'employer-1');
    const got = [];
    for (let i = 0; i < odd.length; i++) got.push((await sub.next()).value!.id);
    expect(got).toEqual(odd.map((e) => e.id));
    sub.close();
    await consumer.stop();
  });

  it('closes a subscription whose reader falls behind its buffer, with an error that says how to resume', async () => {
    const small = await startProcess('proc-small-buffer', { subscriptionBufferSize: 5 });
    const type = uniqueType('overflow');
    const sub = small.store.subscribe({ types: [type] });
    await sub.ready;
    await appendCommitted(
      a,
      Array.from({ length: 10 }, (_, i) => ev(type, i)),
    );
    await expect(sub.next()).rejects.toBeInstanceOf(SubscriptionOverflowError);
    expect(await sub.next()).toEqual({ done: true, value: undefined });
  });

  it('feeds 5,000 subscriptions from one read per wake-up, not one query per subscription', async () => {
    const reader = await startProcess('proc-fan-out', { pollIntervalMs: 60_000 });
    const writer = await startProcess('proc-writer');
    const type = uniqueType('fan-out');
    const subs = Array.from({ length: 5000 }, () => reader.store.subscribe({ types: [type] }));
    await Promise.all(subs.map((s) => s.ready));
    const queriesToSubscribe = reader.queries.count;
    reader.queries.count = 0;

    const appended: string[] = [];
    for (let i = 0; i < 10; i++) appended.push(...(await appendCommitted(writer, [ev(type, i)])).map((e) => e.id));
    const received = await Promise.all(
      subs.map(async (s) => {
        const ids: string[] = [];
        for (let i = 0; i < 10; i++) ids.push((await s.next()).value!.id);
        return ids;
      }),
    );
    for (const ids of received) expect(ids).toEqual(appended);
    // Opening the reader's DataSource and the tail cost some; the heads are shared.
    expect(queriesToSubscribe).toBeLessThan(50);
    // At most one read per NOTIFY (10 appends) plus a retry or two, against 50,000 for one per subscription per event.
    expect(reader.queries.count).toBeLessThanOrEqual(20);
    for (const s of subs) s.close();
  });
});

describe('subscribe({ since })', () => {
  it('replays, then goes live with no gap and no duplicate while appends continue', async () => {
    const type = uniqueType('since');
    const early = await appendCommitted(
      a,
      Array.from({ length: 1200 }, (_, i) => ev(type, i)),
    );
    const stop = { now: false };
    // Many small transactions from several writers while the subscriptions switch over.
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop.now; i++) {
        await appendCommitted(a, [ev(type, 10_000 + w * 1000 + i), ev(type, 20_000 + w * 1000 + i)]);
        await sleep(Math.random() * 3);
      }
    });
    const collectors: { since: string; sub: EventSubscription; got: ReturnType<typeof collect> }[] = [];
    for (let k = 0; k < 12; k++) {
      // From far back (three pages of replay) to the last early event.
      const since = early[Math.floor((k / 12) * early.length)]!.id;
      const sub = a.store.subscribe({ since, types: [type] });
      collectors.push({ since, sub, got: collect(sub) });
      await sleep(25);
    }
    stop.now = true;
    await Promise.all(writers);
    const all = await idsOfTypes([type]);
    const last = all[all.length - 1]!;
    for (const { since, got } of collectors) {
      await waitFor(`subscription since ${since} to reach ${last}`, () => got.events.at(-1)?.id === last);
      const expected = all.filter((id) => BigInt(id) > BigInt(since));
      expect(got.events.map((e) => e.id)).toEqual(expected);
      expect(got.error()).toBeUndefined();
    }
    for (const { sub, got } of collectors) {
      sub.close();
      await got.done;
    }
  });
});

describe('subscription switch-over', () => {
  it('has no gap and no duplicate when the live tail overtakes a slow replay read', async () => {
    // The internals, over real PostgreSQL: replay reads answer late, so the tail reads newer
    // events meanwhile and the subscription must take the catch-up path (stash, read again).
    const tail = new EventTail({ db: a.ds, listener: a.listener, logger, pollIntervalMs: 1000, pageSize: 500 });
    const slow: Queryable = {
      query: async <T>(sql: string, params?: unknown[]) => {
        const rows = await a.ds.query(sql, params);
        await sleep(15 + Math.random() * 20);
        return rows as T;
      },
    };
    const type = uniqueType('overtaken');
    const early = await appendCommitted(
      a,
      Array.from({ length: 300 }, (_, i) => ev(type, i)),
    );
    await tail.start();
    const stop = { now: false };
    const writer = (async () => {
      for (let i = 0; !stop.now; i++) {
        await appendCommitted(a, [ev(type, 1000 + i)]);
        await sleep(2);
      }
    })();
    const subs = Array.from({ length: 6 }, (_, k) => {
      const since = BigInt(early[k * 50]!.id);
      const sub = new PostgresSubscription(
        {
          db: slow,
          tail,
          logger,
          head: () => readHead(a.ds),
          bufferSize: 10_000,
          pageSize: 100,
          onClose: () => undefined,
        },
        { since, types: new Set([type]), filter: undefined },
      );
      return { since, sub, got: collect(sub) };
    });
    await sleep(400);
    stop.now = true;
    await writer;
    const all = await idsOfTypes([type]);
    for (const { since, got } of subs) {
      await waitFor('the subscription to reach the last event', () => got.events.at(-1)?.id === all.at(-1));
      expect(got.events.map((e) => e.id)).toEqual(all.filter((id) => BigInt(id) > since));
    }
    for (const { sub, got } of subs) {
      sub.close();
      await got.done;
    }
    tail.close();
  });
});

describe('durable consumers', () => {
  it('catches up after being stopped mid-stream, with no loss and no duplicate', async () => {
    const type = uniqueType('catch-up');
    const name = `catch-up-${randomUUID()}`;
    await appendCommitted(
      a,
      Array.from({ length: 100 }, (_, i) => ev(type, i)),
    );
    let handledByFirst = 0;
    const first = a.store.consume(name, { types: [type], batchSize: 10 }, async (e, tx) => {
      await recorder(name, 'first')(e, tx);
      handledByFirst++;
      await sleep(2);
    });
    await first.start();
    await waitFor('the first instance to handle some events', () => handledByFirst >= 25);
    await first.stop();
    const stoppedAt = await storedPosition(name);
    const handledBeforeRestart = await handledIds(name);
    expect(handledBeforeRestart.length).toBeGreaterThan(0);
    expect(handledBeforeRestart.length).toBeLessThan(100);
    // What was handled is exactly what lies at or below the committed position.
    expect(handledBeforeRestart).toEqual((await idsOfTypes([type])).filter((id) => BigInt(id) <= stoppedAt));

    await appendCommitted(
      a,
      Array.from({ length: 50 }, (_, i) => ev(type, 100 + i)),
    );
    const b = await startProcess('proc-restarted');
    const second = b.store.consume(name, { types: [type], batchSize: 10 }, recorder(name, 'second'));
    await second.start();
    await second.drain();

    const all = await idsOfTypes([type]);
    expect(all).toHaveLength(150);
    expect(await handledIds(name)).toEqual(all);
    const bySecond: { n: string }[] = await a.ds.query(
      `SELECT count(*)::text AS n FROM public.handled WHERE consumer = $1 AND instance = 'second'`,
      [name],
    );
    expect(Number(bySecond[0]!.n)).toBe(150 - handledBeforeRestart.length);
    await second.stop();
  });

  it('ends a batch after a handler that appended, so the log lock is never held into the next handler', async () => {
    const type = uniqueType('appending');
    const reaction = uniqueType('reaction');
    const name = `appending-${randomUUID()}`;
    const appended = await appendCommitted(
      a,
      Array.from({ length: 4 }, (_, i) => ev(type, i)),
    );
    const txOf = new Map<string, string>();
    const consumer = a.store.consume(name, { types: [type], batchSize: 10 }, async (e, tx) => {
      const rows: { tx: string }[] = await tx.query('SELECT txid_current()::text AS tx');
      txOf.set(e.id, rows[0]!.tx);
      // Only the second event's handler reacts with an event of its own.
      if ((e.payload as { n: number }).n === 1) await a.store.append(tx, [ev(reaction, 99)]);
    });
    await consumer.start();
    await consumer.drain();
    await consumer.stop();
    const [e0, e1, e2, e3] = appended.map((e) => txOf.get(e.id));
    expect(e0).toBe(e1); // one batch up to and including the appending handler
    expect(e2).not.toBe(e1); // the rest in a new transaction
    expect(e3).toBe(e2);
    expect(await idsOfTypes([reaction])).toHaveLength(1);
    expect(await storedPosition(name)).toBeGreaterThanOrEqual(BigInt(appended[3]!.id));
  });

  it('lets two instances of one consumer race over 500 events: each handled exactly once', async () => {
    const type = uniqueType('race');
    const name = `race-${randomUUID()}`;
    const p1 = await startProcess('proc-race-1');
    const p2 = await startProcess('proc-race-2');
    const c1 = p1.store.consume(name, { types: [type], batchSize: 20 }, recorder(name, 'p1'));
    const c2 = p2.store.consume(name, { types: [type], batchSize: 20 }, recorder(name, 'p2'));
    // Both start before their row exists: the insert race is part of the test.
    await Promise.all([c1.start(), c2.start()]);
    await Promise.all(
      Array.from({ length: 25 }, (_, t) =>
        appendCommitted(
          a,
          Array.from({ length: 20 }, (_, i) => ev(type, t * 20 + i)),
        ),
      ),
    );
    await Promise.all([c1.drain(), c2.drain()]);

    const all = await idsOfTypes([type]);
    expect(all).toHaveLength(500);
    const handled = await handledIds(name);
    expect(handled).toHaveLength(500);
    expect([...handled].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1))).toEqual(all);
    // Taking turns on the row lock also keeps the handling in id order.
    expect(handled).toEqual(all);
    await Promise.all([c1.stop(), c2.stop()]);
  });

  it('retries a failing handler with back-off and does not move past the event', async () => {
    const type = uniqueType('retry');
    const name = `retry-${randomUUID()}`;
    const events = await appendCommitted(
      a,
      Array.from({ length: 5 }, (_, i) => ev(type, i)),
    );
    const poison = events[2]!;
    let failing = true;
    let attempts = 0;
    const consumer = a.store.consume(name, { types: [type], batchSize: 10 }, async (e, tx) => {
      await recorder(name, 'a')(e, tx);
      if (e.id === poison.id && failing) {
        attempts++;
        throw new Error('downstream not ready');
      }
    });
    await consumer.start();
    await waitFor('two failed attempts', () => attempts >= 2);
    const attemptsThen = attempts;
    await sleep(300);
    // Back-off (50, 100, 200 ms ...): a handful of attempts, not a hot loop.
    expect(attempts - attemptsThen).toBeLessThanOrEqual(4);
    // The batch rolled back: neither the position nor the earlier events' effects moved.
    expect(await storedPosition(name)).toBeLessThan(BigInt(poison.id));
    expect(await handledIds(name)).toEqual([]);

    failing = false;
    await consumer.drain();
    expect(await handledIds(name)).toEqual(events.map((e) => e.id));
    expect(await storedPosition(name)).toBeGreaterThanOrEqual(BigInt(events[4]!.id));
    await consumer.stop();
  });

  it('parks an event that does not decode (platform.parked_event, logged) and goes on with the next', async () => {
    const name = `decode-${randomUUID()}`;
    const caseId = randomUUID();
    const claim = (payload: Record<string, unknown>): RawNewEvent => ({
      ...ev(EVENT_TYPES.claimRecorded),
      aggregateId: caseId,
      payload,
    });
    const good = { caseId, counterId: 'chaoyang-cbd', claimedAt: '2026-12-01T02:00:00.000Z' };
    // The store refuses to append a catalogued event whose payload does not match ...
    await expect(appendCommitted(a, [claim({ caseId })])).rejects.toThrow(/does not match the event catalogue/);
    // ... so the bad one is written as an older producer or a hand-made INSERT would have.
    const bad: { id: string }[] = await a.ds.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [EVENT_APPEND_LOCK]);
      return tx.query(
        `INSERT INTO platform.event_log (type, source, aggregate_id, payload, occurred_at)
         VALUES ($1, 'test', $2, $3, now()) RETURNING id::text AS id`,
        [EVENT_TYPES.claimRecorded, caseId, JSON.stringify({ caseId, counterId: 'x', claimedAt: 'yesterday' })],
      );
    });
    const [ok] = await appendCommitted(a, [claim(good)]);
    const seen: string[] = [];
    const consumer = a.store.consume(
      name,
      {},
      new EventHandlers().on(EVENT_TYPES.claimRecorded, async (e) => {
        if (e.aggregateId === caseId) seen.push(`${e.id} ${e.payload.claimedAt.toISOString()}`);
      }),
    );
    await consumer.start();
    await consumer.drain();
    expect(seen).toEqual([`${ok!.id} 2026-12-01T02:00:00.000Z`]);
    const parked: { id: string; type: string; problems: string }[] = await a.ds.query(
      'SELECT event_id::text AS id, type, problems FROM platform.parked_event WHERE consumer = $1',
      [name],
    );
    expect(parked).toEqual([
      { id: bad[0]!.id, type: EVENT_TYPES.claimRecorded, problems: expect.stringContaining('claimedAt') },
    ]);
    expect(await storedPosition(name)).toBeGreaterThanOrEqual(BigInt(ok!.id));
    await consumer.stop();
  });

  it('sees every event exactly once, in commit order, when many transactions append concurrently', async () => {
    const type = uniqueType('commit-order');
    const name = `commit-order-${randomUUID()}`;
    const writer = await startProcess('proc-concurrent-writers', { poolSize: 25 });
    const consumer = a.store.consume(name, { types: [type], batchSize: 5 }, recorder(name, 'a'));
    await consumer.start();
    const sub = a.store.subscribe({ types: [type] });
    await sub.ready;
    const got = collect(sub);
    // The committed position, sampled from the table while the writers run.
    const positions: bigint[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        positions.push(await storedPosition(name));
        await sleep(2);
      }
    })();

    for (let round = 0; round < 3; round++) {
      // Ids are taken at insert; the sleeps make commits land in a different order.
      await Promise.all(
        Array.from({ length: 20 }, (_, t) =>
          writer.ds.transaction(async (tx) => {
            await sleep(Math.random() * 20);
            await writer.store.append(tx, [ev(type, round * 100 + t), ev(type, round * 100 + t + 50)]);
            await sleep(Math.random() * 30);
          }),
        ),
      );
    }
    const all = await idsOfTypes([type]);
    expect(all).toHaveLength(120);
    await consumer.drain();
    sampling = false;
    await sampler;

    const handled = await handledIds(name);
    expect(handled).toEqual(all);
    expect(positions.length).toBeGreaterThan(10);
    expect(positions.every((p, i) => i === 0 || p >= positions[i - 1]!)).toBe(true);
    await waitFor('the subscription to see every event', () => got.events.length >= all.length);
    expect(got.events.map((e) => e.id)).toEqual(all);
    sub.close();
    await consumer.stop();
  });
});
