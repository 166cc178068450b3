import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import {
  CommandPipeline,
  ControlledClock,
  createLogger,
  WorkingDayCalendar,
  type Clock,
  type PostgresEventStore,
} from '@onestop/common';
import { CsSlaClocks1764201603500 } from '../../../migrations/1764201603500-sla-clocks.js';
import { CsSlaFollowUp1796610000001 } from '../../../migrations/1796610000001-sla-follow-up.js';
import { csSpecDatabase, type CsSpecDatabase } from '../../../testing/cs-spec-database.js';
import { SlaBreachEntity } from './sla-breach.entity.js';
import { SlaCaseEntity } from './sla-case.entity.js';
import { SlaClockEntity } from './sla-clock.entity.js';
import { scheduleClock } from './sla-clock.rules.js';
import { insertClock } from './sla-clock.store.js';
import { SlaSweeper, SWEEP_SQL } from './sla-sweeper.js';
import { SlaThresholdsEntity } from '../thresholds/sla-thresholds.entity.js';

const logger = createLogger('sla-sweeper-spec', process.env.LOG_LEVEL ?? 'silent');
const calendar = WorkingDayCalendar.fromOfficialData();
const MINUTE = 60_000;

let cs: CsSpecDatabase;
let events: PostgresEventStore;

/** One "instance": its own pool, as a second process would have. */
function openCs(name: string): Promise<DataSource> {
  return cs.open(name, {
    // Opening with the entities also proves they match the hand-written migration.
    entities: [SlaClockEntity, SlaBreachEntity, SlaThresholdsEntity, SlaCaseEntity],
    migrations: [CsSlaClocks1764201603500, CsSlaFollowUp1796610000001],
    poolSize: 4,
  });
}

let ds: DataSource;
let startEvents = 0;

beforeAll(async () => {
  cs = await csSpecDatabase('sla_sweeper', logger);
  ds = await openCs('sla-spec-a');
  events = cs.events(ds);
});

afterAll(() => cs?.close());

/** Starts `n` counter-wait clocks of `minutes`, from `start` on, one second apart. */
async function startWaits(n: number, start: Date, minutes = 30): Promise<string[]> {
  const caseIds: string[] = [];
  await ds.transaction(async (tx) => {
    for (let i = 0; i < n; i++) {
      const startedAt = new Date(start.getTime() + i * 1000);
      const caseId = randomUUID();
      caseIds.push(caseId);
      await insertClock(
        tx,
        {
          caseId,
          kind: 'COUNTER_WAIT',
          employerId: null,
          category: 'B',
          counterId: 'dongcheng',
          ticketId: randomUUID(),
          startedAt,
          targetWorkingDays: null,
          targetMinutes: minutes,
          schedule: scheduleClock(calendar, startedAt, { basis: 'WALL_MINUTES', minutes }, [50, 75]),
          startEventId: String(++startEvents),
        },
        start,
      );
    }
  });
  return caseIds;
}

async function thresholdsOf(caseIds: string[]): Promise<Map<string, number[]>> {
  const rows: { case_id: string; threshold: number }[] = await ds.query(
    `SELECT aggregate_id AS case_id, (payload->>'threshold')::int AS threshold FROM platform.event_log
     WHERE type IN ('sla.warning', 'sla.breached') AND aggregate_id = ANY ($1) ORDER BY id`,
    [caseIds],
  );
  const byCase = new Map<string, number[]>(caseIds.map((c) => [c, []]));
  for (const r of rows) byCase.get(r.case_id)!.push(r.threshold);
  return byCase;
}

/** The subgraph's command pipeline on one connection pool (an instance of the subgraph). */
function pipeline(source: DataSource, clock: Clock): CommandPipeline {
  return new CommandPipeline({ subgraph: 'counter-scheduling', ds: source, clock, events });
}

describe('SlaSweeper', () => {
  it('emits a missed warning, a later one and the breach each once, in order, and opens one breach row', async () => {
    const start = new Date('2030-01-07T02:00:00Z');
    const [caseId] = await startWaits(1, start);
    const clock = new ControlledClock();
    const sweeper = new SlaSweeper({
      ds,
      commands: pipeline(ds, clock),
      clock,
      logger,
      intervalMs: 200,
      batchSize: 500,
    });

    expect(await sweeper.sweepOnce(new Date(start.getTime() + 14 * MINUTE))).toBe(0);
    expect(await sweeper.sweepOnce(new Date(start.getTime() + 23 * MINUTE))).toBe(1); // 50 and 75 at once
    expect(await sweeper.sweepOnce(new Date(start.getTime() + 23 * MINUTE))).toBe(0);
    expect(await sweeper.sweepOnce(new Date(start.getTime() + 30 * MINUTE))).toBe(1);
    expect(await sweeper.sweepOnce(new Date(start.getTime() + 300 * MINUTE))).toBe(0);

    expect((await thresholdsOf([caseId!])).get(caseId!)).toEqual([50, 75, 100]);
    const [clockRow] = await ds.query(
      `SELECT state, last_threshold, next_fire_at FROM cs.sla_clock WHERE case_id = $1`,
      [caseId],
    );
    expect(clockRow).toEqual({ state: 'BREACHED', last_threshold: 100, next_fire_at: null });
    const breaches = await ds.query(`SELECT due_at, resolved_at FROM cs.sla_breach WHERE case_id = $1`, [caseId]);
    expect(breaches).toEqual([{ due_at: new Date(start.getTime() + 30 * MINUTE), resolved_at: null }]);
    const [event] = await ds.query(
      `SELECT payload, employer_id, counter_id FROM platform.event_log WHERE type = 'sla.breached' AND aggregate_id = $1`,
      [caseId],
    );
    expect(event).toMatchObject({
      counter_id: 'dongcheng',
      payload: {
        kind: 'COUNTER_WAIT',
        threshold: 100,
        category: 'B',
        counterId: 'dongcheng',
        at: '2030-01-07T02:30:00.000Z',
      },
    });
  });

  it('emits each threshold exactly once when several instances sweep the same clocks at the same time', async () => {
    const start = new Date('2031-01-07T02:00:00Z');
    const caseIds = await startWaits(300, start);
    const b = await openCs('sla-spec-b');
    const clock = new ControlledClock();
    const sweepers = [ds, b, ds, b].map(
      (source) =>
        new SlaSweeper({
          ds: source,
          commands: pipeline(source, clock),
          clock,
          logger,
          intervalMs: 200,
          batchSize: 40,
        }),
    );
    // Three moments: the 50% marks, the 75% marks, then past every breach.
    for (const minutes of [16, 24, 60]) {
      const now = new Date(start.getTime() + minutes * MINUTE);
      await Promise.all(
        sweepers.map(async (s) => {
          while ((await s.sweepOnce(now)) > 0);
        }),
      );
    }
    const byCase = await thresholdsOf(caseIds);
    const wrong = [...byCase].filter(([, t]) => t.join(',') !== '50,75,100');
    expect(wrong).toEqual([]);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM cs.sla_breach WHERE case_id = ANY ($1)`, [caseIds]);
    expect(n).toBe(300);
  });

  it('finds due clocks through the partial index, not by scanning the open ones', async () => {
    // 100,000 open clocks, all due in the future, and a handful due now.
    await ds.query(`
      INSERT INTO cs.sla_clock (id, case_id, kind, basis, target_minutes, started_at, due_at, provisional, thresholds,
        fire_ats, state, next_threshold, next_fire_at, start_event_id, updated_at)
      SELECT gen_random_uuid(), 'bulk-' || g, 'COUNTER_WAIT', 'WALL_MINUTES', 30, now(), now() + interval '1 year', false,
        '{100}', ARRAY[now() + interval '1 year'], 'RUNNING', 100, now() + interval '1 day' + g * interval '1 second',
        10000000000 + g, now()
      FROM generate_series(1, 100000) AS g`);
    await ds.query('ANALYZE cs.sla_clock');
    const plan: { 'QUERY PLAN': unknown }[] = await ds.query(`EXPLAIN (FORMAT JSON) ${SWEEP_SQL}`, [new Date(), 500]);
    const text = JSON.stringify(plan[0]!['QUERY PLAN']);
    expect(text).toContain('"Index Name":"IDX_sla_clock_next_fire_at"');
    expect(text).not.toContain('Seq Scan');
  });
});
