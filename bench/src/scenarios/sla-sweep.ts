import {
  CommandPipeline,
  createLogger,
  openDatabase,
  PgListener,
  PostgresEventStore,
  type Clock,
} from '@onestop/common';
import { check, type ScenarioReport } from '../lib/results.js';
import { summarize } from '../lib/stats.js';
import type { Scenario, ScenarioContext } from './scenario.js';

const PRESETS = {
  full: { clocks: 1_000_000, batch: 500, passes: 7 },
  smoke: { clocks: 1_000, batch: 50, passes: 3 },
};

/**
 * The sweep's statement, as counter-scheduling's SlaSweeper runs it (services/counter-scheduling
 * src/modules/sla-calendar/clocks/sla-sweeper.ts, SWEEP_SQL): used only when the package does
 * not export the sweeper.
 */
const SWEEP_SELECT = `SELECT id, next_threshold, thresholds, fire_ats FROM cs.sla_clock
  WHERE state = 'RUNNING' AND next_fire_at <= $1
  ORDER BY next_fire_at
  LIMIT $2
  FOR UPDATE SKIP LOCKED`;

interface SweeperLike {
  sweepOnce(now?: Date): Promise<number>;
}

/** The real SlaSweeper when @onestop/counter-scheduling exports it; null otherwise. */
async function realSweeper(
  databaseUrl: string,
  cutoff: { now: Date },
  batch: number,
): Promise<{ sweeper: SweeperLike; close(): Promise<void> } | null> {
  const mod = (await import('@onestop/counter-scheduling')) as Record<string, unknown>;
  const Ctor = mod.SlaSweeper as (new (opts: Record<string, unknown>) => SweeperLike) | undefined;
  if (typeof Ctor !== 'function') return null;
  const logger = createLogger('bench-sla-sweep', 'warn');
  const ds = await openDatabase({
    url: databaseUrl,
    schema: 'bench_sweep',
    entities: [],
    migrations: [],
    logger,
    applicationName: 'onestop-bench-sweep',
    poolSize: 2,
  });
  const listener = new PgListener(databaseUrl, logger);
  const events = new PostgresEventStore({ dataSource: ds, listener, logger, source: 'counter-scheduling' });
  const clock: Clock = { now: () => cutoff.now };
  // A pass is a command of the system run by the subgraph's pipeline (issue 17).
  const commands = new CommandPipeline({ subgraph: 'counter-scheduling', ds, clock, events });
  const sweeper = new Ctor({ ds, commands, events, clock, logger, intervalMs: 250, batchSize: batch });
  return {
    sweeper,
    async close() {
      await events.close();
      await listener.close();
      await ds.destroy();
    },
  };
}

/**
 * SLA sweep with N open clocks (bulk-inserted into cs.sla_clock as its migration defines it,
 * all due days ahead): the time of one pass with a batch due, and of an idle pass with nothing
 * due. The running subgraph's own sweeper sees none of this: the bench passes its own cutoff
 * (12 hours ahead) and the batch falls due 6 hours ahead.
 */
export async function runSlaSweep(
  ctx: ScenarioContext,
  opts: { clocks: number; batch: number; passes: number } = PRESETS[ctx.scale],
): Promise<ScenarioReport> {
  const { sys } = ctx;
  const t0 = Date.now();
  ctx.log(`sla-sweep: inserting ${opts.clocks} open clocks …`);
  const client = await sys.sql.connect();
  const notes: string[] = [];
  try {
    await client.query('SET synchronous_commit = off');
    const chunk = 250_000;
    for (let lo = 1; lo <= opts.clocks; lo += chunk) {
      const hi = Math.min(opts.clocks, lo + chunk - 1);
      await client.query(
        `INSERT INTO cs.sla_clock (id, case_id, kind, basis, target_working_days, target_minutes, employer_id, category, counter_id,
           ticket_id, started_at, due_at, provisional, thresholds, fire_ats, state, last_threshold, next_threshold, next_fire_at,
           stopped_at, start_event_id, updated_at)
         SELECT md5('clock:' || g)::uuid, md5('bench-case:' || g)::uuid::text, k.kind,
                CASE WHEN k.kind = 'COUNTER_WAIT' THEN 'WALL_MINUTES' ELSE 'WORKING_DAYS' END,
                CASE WHEN k.kind = 'COUNTER_WAIT' THEN NULL ELSE 3 END,
                CASE WHEN k.kind = 'COUNTER_WAIT' THEN 30 ELSE NULL END,
                NULL, (ARRAY['A','B','C'])[(g % 3) + 1], NULL, NULL,
                now() - interval '1 hour', f.due, false, '{50,75,100}',
                ARRAY[f.first, f.first + (f.due - f.first) / 2, f.due], 'RUNNING', NULL, 50, f.first,
                NULL, 1000000000000 + g, now()
         FROM generate_series(${lo}, ${hi}) g,
              LATERAL (SELECT (ARRAY['PRE_EXAMINATION','ISSUANCE','COUNTER_WAIT','PASSPORT_CUSTODY'])[(g % 4) + 1] AS kind) k,
              LATERAL (SELECT now() + interval '1 day' + (g % 43200) * interval '1 minute' AS first,
                              now() + interval '40 days' + (g % 43200) * interval '1 minute' AS due) f`,
      );
      ctx.log(`sla-sweep: ${hi} clocks`);
    }
    await client.query('VACUUM (ANALYZE) cs.sla_clock');
    const loadS = Math.round((Date.now() - t0) / 100) / 10;
    const open = (
      await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM cs.sla_clock WHERE state = 'RUNNING'`)
    ).rows[0]!.n;

    const cutoff = { now: new Date(Date.now() + 12 * 3_600_000) };
    const real = await realSweeper(sys.stack.databaseUrl, cutoff, opts.batch).catch((err: Error) => {
      notes.push(`real sweeper unavailable: ${err.message.slice(0, 120)}`);
      return null;
    });
    notes.push(
      real
        ? 'timed @onestop/counter-scheduling SlaSweeper.sweepOnce (select, event append, save) in its own process-local instance'
        : 'timed the sweeper statement (SWEEP_SQL: SELECT … FOR UPDATE SKIP LOCKED with the partial index) plus one UPDATE of the batch, in one transaction: @onestop/counter-scheduling does not export SlaSweeper, so no events are appended',
    );
    const arm = async (): Promise<void> => {
      await client.query(
        `UPDATE cs.sla_clock SET next_fire_at = now() + interval '6 hours', next_threshold = 50,
           fire_ats = ARRAY[now() + interval '6 hours', now() + interval '20 days', now() + interval '40 days'], state = 'RUNNING', last_threshold = NULL
         WHERE id IN (SELECT md5('clock:' || g)::uuid FROM generate_series(1, $1) g)`,
        [opts.batch],
      );
    };
    const pass = async (): Promise<{ ms: number; swept: number }> => {
      const started = performance.now();
      let swept: number;
      if (real) {
        swept = await real.sweeper.sweepOnce(cutoff.now);
      } else {
        await client.query('BEGIN');
        const rows = await client.query<{ id: string }>(SWEEP_SELECT, [cutoff.now, opts.batch]);
        if (rows.rowCount) {
          await client.query(
            `UPDATE cs.sla_clock c SET last_threshold = 50, next_threshold = 75, next_fire_at = c.fire_ats[2], updated_at = now()
             WHERE c.id = ANY ($1::uuid[])`,
            [rows.rows.map((r) => r.id)],
          );
        }
        await client.query('COMMIT');
        swept = rows.rowCount ?? 0;
      }
      return { ms: performance.now() - started, swept };
    };
    const due: number[] = [];
    const idle: number[] = [];
    let sweptPerPass = 0;
    try {
      for (let i = 0; i < opts.passes; i++) {
        await arm();
        const d = await pass();
        due.push(d.ms);
        sweptPerPass = d.swept;
        const z = await pass();
        idle.push(z.ms);
      }
    } finally {
      await real?.close();
    }
    const dueS = summarize(due);
    const idleS = summarize(idle);
    await client.query(`DELETE FROM cs.sla_clock WHERE start_event_id > 1000000000000`);
    return {
      scenario: 'sla-sweep',
      command: ctx.command,
      figures: {
        openClocks: open,
        insertedClocks: opts.clocks,
        loadS,
        batch: opts.batch,
        sweptPerPass,
        duePassMs: { p50: dueS.p50, max: dueS.max },
        idlePassMs: { p50: idleS.p50, max: idleS.max },
        passes: opts.passes,
      },
      targets:
        opts.clocks >= 1_000_000
          ? [
              check(
                `SLA sweep ≤ 200 ms per pass at 1,000,000 clocks (batch of ${opts.batch} due)`,
                dueS.max,
                200,
                ' ms',
              ),
            ]
          : [],
      notes,
    };
  } finally {
    client.release();
  }
}

export const slaSweep: Scenario = {
  name: 'sla-sweep',
  description: 'one SLA sweep pass with 1,000,000 open clocks: a batch due, and idle',
  run: (ctx) => runSlaSweep(ctx),
};
