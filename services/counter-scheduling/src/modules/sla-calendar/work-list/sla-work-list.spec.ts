import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import {
  CalendarStore,
  canonicalRequest,
  CommandPipeline,
  ControlledClock,
  createLogger,
  WorkingDayCalendar,
  type Actor,
  type OneStopError,
} from '@onestop/common';
import { CsInit1764201600003 } from '../../../migrations/1764201600003-init.js';
import { CsCounterOperations1764201603000 } from '../../../migrations/1764201603000-counter-operations.js';
import { CsSlaClocks1764201603500 } from '../../../migrations/1764201603500-sla-clocks.js';
import { CsClerkWorkstation1764201612000 } from '../../../migrations/1764201612000-clerk-workstation.js';
import { CsSlaFollowUp1796610000001 } from '../../../migrations/1796610000001-sla-follow-up.js';
import { csSpecDatabase, type CsSpecDatabase } from '../../../testing/cs-spec-database.js';
import { scheduleClock } from '../clocks/sla-clock.rules.js';
import { insertClock } from '../clocks/sla-clock.store.js';
import { SlaWorkListService } from './sla-work-list.service.js';
import { SlaWorkListStore } from './sla-work-list.store.js';

/**
 * The work list's follow-ups as commands of the kernel's pipeline, on a real PostgreSQL: keys
 * replay through the ledger, and a key given before the upgrade (kept in `cs.clerk_request` by
 * the old code, then copied into the ledger by the upgrade) still replays.
 */
const logger = createLogger('sla-work-list-spec', process.env.LOG_LEVEL ?? 'silent');
const calendar = WorkingDayCalendar.fromOfficialData();
const manager: Actor = {
  id: 'manager-1',
  role: 'MANAGER',
  name: 'Wang Fang',
  employerIds: [],
  agencyId: null,
  counterId: null,
};
const officer: Actor = { ...manager, id: 'officer-1', role: 'WP_OFFICER', name: 'Li Lei' };

let cs: CsSpecDatabase;
let ds: DataSource;
let workList: SlaWorkListService;
let startEvents = 0;
const clock = new ControlledClock();

beforeAll(async () => {
  cs = await csSpecDatabase('sla_work_list', logger);
  ds = await cs.open('sla-work-list-spec', {
    // What the work list reads and writes: the counters (its district filter), the clocks, the
    // clerks' old request keys and the follow-ups.
    migrations: [
      CsInit1764201600003,
      CsCounterOperations1764201603000,
      CsSlaClocks1764201603500,
      CsClerkWorkstation1764201612000,
      CsSlaFollowUp1796610000001,
    ],
  });
  const events = cs.events(ds);
  const store = new CalendarStore(ds);
  await store.reload();
  const commands = new CommandPipeline({ subgraph: 'counter-scheduling', ds, clock, events });
  workList = new SlaWorkListService(new SlaWorkListStore(ds), { events, clock, calendar: store, commands });
});

afterAll(() => cs?.close());

/** A running counter-wait clock past its 50 % warning: an entry of the work list. */
async function warnedClock(): Promise<string> {
  const startedAt = new Date(clock.now().getTime() - 20 * 60_000);
  await ds.transaction((tx) =>
    insertClock(
      tx,
      {
        caseId: randomUUID(),
        kind: 'COUNTER_WAIT',
        employerId: null,
        category: 'B',
        counterId: 'dongcheng',
        ticketId: randomUUID(),
        startedAt,
        targetWorkingDays: null,
        targetMinutes: 30,
        schedule: scheduleClock(calendar, startedAt, { basis: 'WALL_MINUTES', minutes: 30 }, [50, 75]),
        startEventId: String(++startEvents),
      },
      clock.now(),
    ),
  );
  await ds.query(`UPDATE cs.sla_clock SET last_threshold = 50 WHERE started_at = $1`, [startedAt]);
  const rows: { id: string }[] = await ds.query(`SELECT id FROM cs.sla_clock WHERE started_at = $1`, [startedAt]);
  return rows[0]!.id;
}

async function writes(clockId: string): Promise<{ entries: number; events: number }> {
  const [e] = await ds.query(`SELECT count(*)::int AS n FROM cs.sla_follow_up_entry WHERE clock_id = $1`, [clockId]);
  const [l] = await ds.query(
    `SELECT count(*)::int AS n FROM platform.event_log WHERE type = 'sla.follow-up-changed' AND payload->>'clockId' = $1`,
    [clockId],
  );
  return { entries: e.n, events: l.n };
}

async function codeOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return { code: (err as OneStopError).extensions?.code, reason: (err as OneStopError).extensions?.reason };
  }
  return 'no error';
}

/**
 * What the code before the upgrade left for a request (`claimRequest`'s statement, and no
 * result id: the work list never recorded one), and the upgrade's copy of it into the ledger
 * (the request as the kernel's canonical JSON).
 */
async function keptBeforeTheUpgrade(
  actor: Actor,
  key: string,
  operation: string,
  request: Record<string, unknown>,
): Promise<void> {
  await ds.query(
    `INSERT INTO cs.clerk_request (actor_id, idempotency_key, operation, request, created_at)
     VALUES ($1, $2, $3, $4::jsonb, $5)`,
    [actor.id, key, operation, JSON.stringify(request), clock.now()],
  );
  const kept: { request: unknown; result_id: string | null; created_at: Date }[] = await ds.query(
    `SELECT request, result_id, created_at FROM cs.clerk_request WHERE actor_id = $1 AND idempotency_key = $2`,
    [actor.id, key],
  );
  await ds.query(
    `INSERT INTO platform.idempotency_record (subgraph, principal, idempotency_key, operation, request, result_id, created_at)
     VALUES ('counter-scheduling', $1, $2, $3, $4::jsonb, $5, $6)`,
    [
      actor.id,
      key,
      operation,
      JSON.stringify(canonicalRequest(kept[0]!.request)),
      kept[0]!.result_id,
      kept[0]!.created_at,
    ],
  );
}

describe('SLA work list follow-ups (CommandPipeline, idempotency ledger)', () => {
  it('acknowledges once; a retry with the key answers the entry, a second acknowledgement is CONFLICT', async () => {
    const clockId = await warnedClock();
    const key = `ack-${clockId}`;
    const first = await workList.acknowledge(manager, clockId, key);
    expect(first.acknowledged).toBe(true);
    const retry = await workList.acknowledge(manager, clockId, key);
    expect(retry.acknowledged).toBe(true);
    expect(retry.acknowledgedBy?.id).toBe(manager.id);
    expect(await writes(clockId)).toEqual({ entries: 1, events: 1 });
    expect(await codeOf(workList.acknowledge(officer, clockId))).toEqual({
      code: 'CONFLICT',
      reason: 'ALREADY_ACKNOWLEDGED',
    });
    expect(await codeOf(workList.note(manager, clockId, 'another request', key))).toEqual({
      code: 'CONFLICT',
      reason: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await writes(clockId)).toEqual({ entries: 1, events: 1 });
  });

  it('carries out concurrent retries of one note once', async () => {
    const clockId = await warnedClock();
    const key = `note-${clockId}`;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => workList.note(officer, clockId, '  Called the applicant ', key)),
    );
    expect(answers.map((a) => a.history.length)).toEqual([1, 1, 1, 1, 1]);
    expect(await writes(clockId)).toEqual({ entries: 1, events: 1 });
  });

  it('replays keys given before the upgrade (cs.clerk_request copied into the ledger) for all three follow-ups', async () => {
    const clockId = await warnedClock();
    await workList.list(officer, {}); // the officer becomes someone an entry can be assigned to
    // The first attempts, made by the old code: the writes and the kept keys.
    await workList.acknowledge(manager, clockId);
    await workList.assign(manager, clockId, officer.id);
    await workList.note(manager, clockId, 'Passport at the counter');
    await keptBeforeTheUpgrade(manager, 'old-ack', 'acknowledgeSlaEntry', { clockId });
    await keptBeforeTheUpgrade(manager, 'old-assign', 'assignSlaEntry', { clockId, assigneeId: officer.id });
    await keptBeforeTheUpgrade(manager, 'old-note', 'addSlaNote', { clockId, note: 'Passport at the counter' });
    const before = await writes(clockId);
    expect(before).toEqual({ entries: 3, events: 3 });

    // Without its key, a second acknowledgement would be CONFLICT: with it, it replays.
    expect((await workList.acknowledge(manager, clockId, 'old-ack')).acknowledged).toBe(true);
    expect((await workList.assign(manager, clockId, officer.id, 'old-assign')).assignee?.id).toBe(officer.id);
    expect((await workList.note(manager, clockId, 'Passport at the counter ', 'old-note')).history).toHaveLength(3);
    expect(await writes(clockId)).toEqual(before);
    // The same keys for other requests are refused, as before the upgrade.
    expect(await codeOf(workList.note(manager, clockId, 'Something else', 'old-note'))).toEqual({
      code: 'CONFLICT',
      reason: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await codeOf(workList.note(manager, clockId, 'Passport at the counter', 'old-ack'))).toEqual({
      code: 'CONFLICT',
      reason: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await writes(clockId)).toEqual(before);
  });

  it('answers NOT_FOUND for a clock that does not exist and writes nothing', async () => {
    expect(await codeOf(workList.acknowledge(manager, randomUUID(), 'missing-clock'))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const [r] = await ds.query(
      `SELECT count(*)::int AS n FROM platform.idempotency_record WHERE idempotency_key = 'missing-clock'`,
    );
    expect(r.n).toBe(0);
  });
});
