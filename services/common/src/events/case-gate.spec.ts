import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource, EntityManager } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { openDatabase } from '../db/database.js';
import { platformMigrations } from '../platform/platform-migrations.js';
import { createLogger } from '../logger.js';
import { InvariantError } from '../errors.js';
import { caseGateKey, lastCaseEvent, lockCaseGate } from './case-gate.js';
import { EVENT_APPEND_LOCK } from './postgres-event-store.js';

const INT64_MIN = -(2n ** 63n);

describe('caseGateKey', () => {
  it('is a fixed function of the case id: every deployable derives the same key', () => {
    // Pinned: two versions of two subgraphs deriving different keys would not exclude each other.
    expect(caseGateKey('8b0c2a61-0000-4000-8000-000000000000')).toBe(-5472600547324653975n);
    const id = randomUUID();
    expect(caseGateKey(id)).toBe(caseGateKey(id));
  });

  it('is a negative 64-bit integer, so never one of the fixed non-negative lock ids, and differs by case', () => {
    const keys = Array.from({ length: 5000 }, () => caseGateKey(randomUUID()));
    for (const k of keys) {
      expect(k < 0n && k >= INT64_MIN).toBe(true);
      expect(k).not.toBe(BigInt(EVENT_APPEND_LOCK));
    }
    expect(new Set(keys).size).toBe(keys.length);
    expect(caseGateKey('a')).not.toBe(caseGateKey('b'));
  });
});

describe('lockCaseGate and lastCaseEvent (PostgreSQL)', () => {
  const logger = createLogger('case-gate-spec', process.env.LOG_LEVEL ?? 'silent');
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('gate');
    ds = await openDatabase({
      url: db.url,
      schema: 'platform',
      entities: [],
      migrations: platformMigrations,
      logger,
      applicationName: 'case-gate-spec',
    });
  });
  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
  });

  async function insertEvent(m: EntityManager | DataSource, caseId: string, type: string, n: number): Promise<void> {
    await m.query(
      `INSERT INTO platform.event_log (type, source, aggregate_id, payload, occurred_at) VALUES ($1, 'spec', $2, $3, now())`,
      [type, caseId, JSON.stringify({ caseId, n })],
    );
  }

  /** True once some backend waits for an advisory lock that is not granted. */
  async function someoneWaitsForTheGate(): Promise<boolean> {
    const rows: unknown[] = await ds.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return rows.length > 0;
  }

  async function until(probe: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await probe()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('timed out');
  }

  it('the second holder of a case’s gate waits for the first to commit, then sees its event', async () => {
    const caseId = randomUUID();
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((r) => (releaseFirst = r));
    let firstHolds!: () => void;
    const firstHoldsGate = new Promise<void>((r) => (firstHolds = r));
    const first = ds.transaction(async (tx) => {
      await lockCaseGate(tx, caseId);
      firstHolds();
      await insertEvent(tx, caseId, 'spec.first', 1);
      await firstMayCommit;
    });
    await firstHoldsGate;

    const order: string[] = [];
    const second = ds.transaction(async (tx) => {
      await lockCaseGate(tx, caseId);
      order.push('second has the gate');
      return lastCaseEvent(tx, caseId, ['spec.first']);
    });
    // Another case's gate is free meanwhile.
    await ds.transaction(async (tx) => {
      await lockCaseGate(tx, randomUUID());
      order.push('another case');
    });
    await until(someoneWaitsForTheGate);
    expect(order).toEqual(['another case']);

    order.push('first commits');
    releaseFirst();
    await first;
    const seen = await second;
    expect(order).toEqual(['another case', 'first commits', 'second has the gate']);
    expect(seen).toMatchObject({ type: 'spec.first', aggregateId: caseId, payload: { caseId, n: 1 } });
  });

  it('lastCaseEvent: the newest event of the given types about the case, or null', async () => {
    const caseId = randomUUID();
    const other = randomUUID();
    expect(await lastCaseEvent(ds.manager, caseId, ['spec.a'])).toBeNull();
    await insertEvent(ds, caseId, 'spec.a', 1);
    await insertEvent(ds, caseId, 'spec.b', 2);
    await insertEvent(ds, caseId, 'spec.a', 3);
    await insertEvent(ds, caseId, 'spec.c', 4);
    await insertEvent(ds, other, 'spec.a', 5);
    expect((await lastCaseEvent<{ n: number }>(ds.manager, caseId, ['spec.a']))!.payload.n).toBe(3);
    expect((await lastCaseEvent<{ n: number }>(ds.manager, caseId, ['spec.a', 'spec.b']))!.payload.n).toBe(3);
    expect((await lastCaseEvent<{ n: number }>(ds.manager, caseId, ['spec.b']))!.payload.n).toBe(2);
    expect(await lastCaseEvent(ds.manager, caseId, ['spec.d'])).toBeNull();
    await expect(lastCaseEvent(ds.manager, caseId, [])).rejects.toBeInstanceOf(InvariantError);
  });

  it('refuses outside a transaction and under REPEATABLE READ (its snapshot would predate the wait)', async () => {
    await expect(lockCaseGate(ds.manager, randomUUID())).rejects.toBeInstanceOf(InvariantError);
    await expect(
      ds.transaction('REPEATABLE READ', async (tx) => {
        await lockCaseGate(tx, randomUUID());
      }),
    ).rejects.toThrow(/READ COMMITTED/);
  });
});
