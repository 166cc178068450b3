/**
 * Two counter-scheduling processes on one database: both sweep the same clocks at the same
 * time, and every warning and breach is still emitted exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EMPLOYERS } from '@onestop/common/testing';
import { repoRoot, freePort } from '@onestop/scripts';
import {
  startTestSystem,
  waitFor,
  type TestSystem,
  alertCounts,
  alertsOutOfOrder,
  businessNow,
  CaseEvents,
  consumed,
} from '../../testkit/index.js';

const MINUTE = 60_000;
const CLOCKS = 200;

describe('SLA sweep with two instances racing', () => {
  let sys: TestSystem;
  let second: ChildProcess;
  const output: string[] = [];

  beforeAll(async () => {
    // Small sweep batches, so the two instances take turns on the same due clocks.
    sys = await startTestSystem({ SLA_SWEEP_BATCH_SIZE: '20' });
    const port = await freePort();
    second = spawn(process.execPath, [path.join(repoRoot, 'services/counter-scheduling/dist/main.js')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: sys.database.url,
        COUNTER_SCHEDULING_PORT: String(port),
        NODE_ENV: 'test',
        LOG_LEVEL: process.env.SLA_SECOND_LOG_LEVEL ?? 'warn',
        SLA_SWEEP_BATCH_SIZE: '20',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    second.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
    second.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/ready`)).ok,
      60_000,
      'the second counter-scheduling instance',
    );
  });

  afterAll(async () => {
    if (second && second.exitCode === null) {
      const exited = new Promise((r) => second.once('exit', r));
      second.kill('SIGTERM');
      await exited;
    }
    await sys?.stop();
  });

  it(`emits exactly one 50, one 75 and one 100 for each of ${CLOCKS} clocks`, async () => {
    const t0 = await businessNow(sys);
    const cases: CaseEvents[] = [];
    let last = '0';
    for (let i = 0; i < CLOCKS; i++) {
      const c = new CaseEvents(sys, DEMO_EMPLOYERS[i % DEMO_EMPLOYERS.length].id, 'B');
      cases.push(c);
      // Start times spread over 100 seconds, so thresholds fall due across many sweeps of both instances.
      await c.ticketIssued(new Date(t0.getTime() + (i % 50) * 2000), i % 2 ? 'dongcheng' : 'xicheng');
    }
    last = (await sys.sql.query<{ id: string }>(`SELECT max(id)::text AS id FROM platform.event_log`)).rows[0]!.id;
    await consumed(sys, last);
    const ids = cases.map((c) => c.caseId);
    const [{ n: running }] = (
      await sys.sql.query(
        `SELECT count(*)::int AS n FROM cs.sla_clock WHERE case_id = ANY ($1) AND state = 'RUNNING'`,
        [ids],
      )
    ).rows;
    expect(running).toBe(CLOCKS);

    // Past the 50% marks, then the 75% marks, then past every breach.
    for (const step of [16, 8, 10]) {
      await sys.advanceClock(step * MINUTE);
      await new Promise((r) => setTimeout(r, 300));
    }
    await waitFor(
      async () =>
        (await sys.sql.query(`SELECT count(*)::int AS n FROM cs.sla_breach WHERE case_id = ANY ($1)`, [ids])).rows[0]!
          .n === CLOCKS,
      10_000,
      'every breach',
    );
    // A few more passes of both sweepers: nothing more may appear.
    await new Promise((r) => setTimeout(r, 800));

    expect(await alertCounts(sys, ids)).toEqual([
      { threshold: 50, n: CLOCKS, clocks: CLOCKS },
      { threshold: 75, n: CLOCKS, clocks: CLOCKS },
      { threshold: 100, n: CLOCKS, clocks: CLOCKS },
    ]);
    // And in order, per clock.
    expect(await alertsOutOfOrder(sys, ids)).toEqual([]);
    expect(second.exitCode, output.join('')).toBeNull();
  });
});
