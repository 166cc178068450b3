import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import { ControlledClock } from '../clock.js';
import { openDatabase } from '../db/database.js';
import { PgListener } from '../db/pg-listener.js';
import { EVENT_TYPES } from '../domain/domain-events.js';
import { InvalidTransitionError, NotFoundError, type OneStopError } from '../errors.js';
import { PostgresEventStore } from '../events/postgres-event-store.js';
import { createLogger } from '../logger.js';
import { platformMigrations } from '../platform/platform-migrations.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { CommandPipeline, type CommandContext, type CommandSpec } from './command-pipeline.js';

/** A tiny aggregate for the pipeline: a counter with a note, owned by an employer. */
interface Tally {
  id: string;
  employer_id: string;
  count: number;
  closed: boolean;
}
interface Bump {
  id: string;
  by: number;
  idempotencyKey?: string | null;
}

const EMPLOYER = randomUUID();
const OTHER_EMPLOYER = randomUUID();
const agency: Actor = {
  id: 'agency-client-1',
  role: 'AGENCY',
  name: 'Agency',
  employerIds: [EMPLOYER],
  agencyId: 'agency-1',
  counterId: null,
};
const otherAgency: Actor = { ...agency, id: 'agency-client-2', employerIds: [OTHER_EMPLOYER], agencyId: 'agency-2' };

const bump: CommandSpec<Bump, Tally, Tally> = {
  name: 'bump',
  action: 'case.resubmit',
  load: async (tx, input) => {
    const rows: Tally[] = await tx.query(`SELECT * FROM spec.tally WHERE id = $1 FOR UPDATE`, [input.id]);
    return rows[0] ?? null;
  },
  resource: (t) => ({ employerId: t.employer_id }),
  notFound: (input) => new NotFoundError('Tally', input.id),
  subject: (t) => ({ aggregateId: t.id, employerId: t.employer_id }),
  idempotency: {
    key: (input) => input.idempotencyKey,
    principal: (actor) => actor.agencyId ?? actor.id,
    resultId: (t) => t.id,
    replay: async (tx, id) => (await tx.query(`SELECT * FROM spec.tally WHERE id = $1`, [id]))[0],
  },
  rules: (t) => {
    if (t.closed) throw new InvalidTransitionError('The tally is closed.', { status: 'CLOSED' });
  },
  execute: async (cx, t, input) => {
    const rows: [Tally[], number] = await cx.tx.query(
      `UPDATE spec.tally SET count = count + $2 WHERE id = $1 RETURNING *`,
      [t.id, input.by],
    );
    cx.emit(EVENT_TYPES.calendarChanged, { years: [2026], reason: `bumped by ${input.by}` });
    return rows[0][0]!;
  },
};

describe('CommandPipeline and the idempotency ledger (PostgreSQL)', () => {
  const logger = createLogger('pipeline-spec', process.env.LOG_LEVEL ?? 'silent');
  let db: TestDatabase;
  let ds: DataSource;
  let listener: PgListener;
  let pipeline: CommandPipeline;

  beforeAll(async () => {
    db = await createTestDatabase('pipeline');
    ds = await openDatabase({
      url: db.url,
      schema: 'platform',
      entities: [],
      migrations: platformMigrations,
      logger,
      applicationName: 'pipeline-spec',
    });
    await ds.query(`CREATE SCHEMA spec`);
    await ds.query(
      `CREATE TABLE spec.tally (id uuid PRIMARY KEY, employer_id text NOT NULL, count int NOT NULL DEFAULT 0, closed boolean NOT NULL DEFAULT false)`,
    );
    listener = new PgListener(db.url, logger);
    const events = new PostgresEventStore({ dataSource: ds, listener, logger, source: 'spec' });
    pipeline = new CommandPipeline({
      subgraph: 'spec',
      ds,
      clock: new ControlledClock(),
      events,
    });
  });
  afterAll(async () => {
    await listener?.close();
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
  });

  async function newTally(employer = EMPLOYER, closed = false): Promise<string> {
    const id = randomUUID();
    await ds.query(`INSERT INTO spec.tally (id, employer_id, closed) VALUES ($1, $2, $3)`, [id, employer, closed]);
    return id;
  }
  async function state(id: string): Promise<{ count: number; events: number; records: number }> {
    const [t] = await ds.query(`SELECT count FROM spec.tally WHERE id = $1`, [id]);
    const [e] = await ds.query(`SELECT count(*)::int AS n FROM platform.event_log WHERE aggregate_id = $1`, [id]);
    const [r] = await ds.query(
      `SELECT count(*)::int AS n FROM platform.idempotency_record WHERE subgraph = 'spec' AND result_id = $1`,
      [id],
    );
    return { count: t.count, events: e.n, records: r.n };
  }
  async function codeOf(p: Promise<unknown>): Promise<unknown> {
    try {
      await p;
    } catch (err) {
      return { code: (err as OneStopError).extensions?.code, reason: (err as OneStopError).extensions?.reason };
    }
    return 'no error';
  }

  it('runs the change, appends its events in the same transaction and records the key', async () => {
    const id = await newTally();
    const t = await pipeline.run(agency, bump, { id, by: 2, idempotencyKey: `k-${id}` });
    expect(t.count).toBe(2);
    expect(await state(id)).toEqual({ count: 2, events: 1, records: 1 });
  });

  it('answers a retry with the same key from the ledger: nothing written twice, no second event', async () => {
    const id = await newTally();
    const key = `k-${id}`;
    await pipeline.run(agency, bump, { id, by: 3, idempotencyKey: key });
    const again = await pipeline.run(agency, bump, { id, by: 3, idempotencyKey: key });
    expect(again.count).toBe(3);
    expect(await state(id)).toEqual({ count: 3, events: 1, records: 1 });
  });

  it('refuses a key reused for another request with CONFLICT and writes nothing', async () => {
    const id = await newTally();
    const key = `k-${id}`;
    await pipeline.run(agency, bump, { id, by: 1, idempotencyKey: key });
    expect(await codeOf(pipeline.run(agency, bump, { id, by: 5, idempotencyKey: key }))).toEqual({
      code: 'CONFLICT',
      reason: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await state(id)).toEqual({ count: 1, events: 1, records: 1 });
  });

  it('carries out concurrent attempts with one key once, and answers both the same', async () => {
    const id = await newTally();
    const key = `k-${id}`;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => pipeline.run(agency, bump, { id, by: 4, idempotencyKey: key })),
    );
    expect(answers.map((a) => a.count)).toEqual([4, 4, 4, 4, 4, 4]);
    expect(await state(id)).toEqual({ count: 4, events: 1, records: 1 });
  });

  it('keys are per principal: another agency may use the same key for its own request', async () => {
    const ours = await newTally();
    const theirs = await newTally(OTHER_EMPLOYER);
    await pipeline.run(agency, bump, { id: ours, by: 1, idempotencyKey: 'shared-key' });
    const t = await pipeline.run(otherAgency, bump, { id: theirs, by: 7, idempotencyKey: 'shared-key' });
    expect(t.count).toBe(7);
  });

  it('answers NOT_FOUND out of scope, as for a missing target, and writes nothing', async () => {
    const id = await newTally(OTHER_EMPLOYER);
    expect(await codeOf(pipeline.run(agency, bump, { id, by: 1, idempotencyKey: `k-${id}` }))).toEqual({
      code: 'NOT_FOUND',
      reason: undefined,
    });
    expect(await codeOf(pipeline.run(agency, bump, { id: randomUUID(), by: 1 }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await state(id)).toEqual({ count: 0, events: 0, records: 0 });
  });

  it('rolls back the key with a refused transition, so a retry after the fix runs', async () => {
    const id = await newTally(EMPLOYER, true);
    const key = `k-${id}`;
    expect(await codeOf(pipeline.run(agency, bump, { id, by: 1, idempotencyKey: key }))).toMatchObject({
      code: 'INVALID_TRANSITION',
    });
    expect(await state(id)).toEqual({ count: 0, events: 0, records: 0 });
    await ds.query(`UPDATE spec.tally SET closed = false WHERE id = $1`, [id]);
    expect((await pipeline.run(agency, bump, { id, by: 1, idempotencyKey: key })).count).toBe(1);
  });

  it('refuses a blank or overlong key with BAD_USER_INPUT before it opens a transaction', async () => {
    const id = await newTally();
    expect(await codeOf(pipeline.run(agency, bump, { id, by: 1, idempotencyKey: ' ' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(await codeOf(pipeline.run(agency, bump, { id, by: 1, idempotencyKey: 'x'.repeat(201) }))).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(await state(id)).toEqual({ count: 0, events: 0, records: 0 });
  });

  it('runs a system command inside the caller’s transaction, unscoped and without a key', async () => {
    const id = await newTally(OTHER_EMPLOYER);
    await ds.transaction((tx: EntityManager) =>
      pipeline.runIn(tx, { kind: 'system', name: 'spec-consumer' }, bump, { id, by: 9 }),
    );
    expect(await state(id)).toEqual({ count: 9, events: 1, records: 0 });
  });

  it('keeps the author and time of the fact a system command applies, for its events', async () => {
    const id = await newTally();
    const at = new Date('2026-03-02T01:02:03.000Z');
    let seen: CommandContext | undefined;
    const spy: CommandSpec<Bump, Tally, Tally> = {
      ...bump,
      execute: (cx, t, input) => ((seen = cx), bump.execute(cx, t, input)),
    };
    await ds.transaction((tx: EntityManager) =>
      pipeline.runIn(tx, { kind: 'system', name: 'spec-consumer', cause: { actorId: 'clerk-9', at } }, spy, {
        id,
        by: 1,
      }),
    );
    expect(seen).toMatchObject({ actor: null, now: at, author: { kind: 'system', name: 'spec-consumer' } });
    const [e] = await ds.query(`SELECT actor_id, occurred_at FROM platform.event_log WHERE aggregate_id = $1`, [id]);
    expect(e).toEqual({ actor_id: 'clerk-9', occurred_at: at });
  });

  it('replays a prior attempt recorded in another form when the spec says it is the same request', async () => {
    const id = await newTally();
    const key = `legacy-${id}`;
    await ds.query(
      `INSERT INTO platform.idempotency_record (subgraph, principal, idempotency_key, operation, request, result_id, created_at)
       VALUES ('spec', 'agency-1', $1, 'bump', '{"legacy": "by 4"}'::jsonb, $2, now())`,
      [key, id],
    );
    const legacy: CommandSpec<Bump, Tally, Tally> = {
      ...bump,
      idempotency: {
        ...bump.idempotency!,
        sameAs: (prior, input) => (prior.request as { legacy?: string }).legacy === `by ${input.by}`,
      },
    };
    expect((await pipeline.run(agency, legacy, { id, by: 4, idempotencyKey: key })).count).toBe(0);
    expect(await codeOf(pipeline.run(agency, legacy, { id, by: 5, idempotencyKey: key }))).toEqual({
      code: 'CONFLICT',
      reason: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await state(id)).toEqual({ count: 0, events: 0, records: 1 });
  });
});
