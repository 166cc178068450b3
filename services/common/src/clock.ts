import type { DataSource } from 'typeorm';
import type { PgListener } from './db/pg-listener.js';
import type { RunMode } from './config.js';

/** The one source of business time. Business code never reads the system time directly. */
export interface Clock {
  now(): Date;
}

/** Real time: what production runs on. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * Real time plus an offset that tests and the simulator move forward. Exists only in
 * development and test mode; every process of the system shares the offset through the
 * database (`platform.dev_clock`) and learns of changes by NOTIFY.
 */
export class ControlledClock implements Clock {
  constructor(private offsetMsValue = 0) {}
  now(): Date {
    return new Date(Date.now() + this.offsetMsValue);
  }
  get offsetMs(): number {
    return this.offsetMsValue;
  }
  setOffset(ms: number): void {
    // Time never runs backwards: SLA clocks already fired stay fired.
    if (ms > this.offsetMsValue) this.offsetMsValue = ms;
  }
}

export const CLOCK_CHANNEL = 'onestop_clock';

/** Production: the system clock. Otherwise: a ControlledClock kept in step with the database. */
export async function createClock(mode: RunMode, ds: DataSource, listener: PgListener): Promise<Clock> {
  if (mode === 'production') return systemClock;
  const clock = new ControlledClock();
  const refresh = async (): Promise<void> => {
    const rows: { offset_ms: string }[] = await ds.query('SELECT offset_ms FROM platform.dev_clock WHERE id = 1');
    clock.setOffset(Number(rows[0]?.offset_ms ?? 0));
  };
  await listener.listen(CLOCK_CHANNEL, (payload) => clock.setOffset(Number(payload)));
  // A flaky database right after a reconnect must not crash the process; the next NOTIFY or reconnect catches up.
  listener.onReconnect(() => void refresh().catch(() => undefined));
  await refresh();
  return clock;
}

/** Moves the shared development clock forward by `ms` (never back); returns the new offset. */
export async function advanceSharedClock(ds: DataSource, ms: number): Promise<number> {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError('The clock only moves forward.');
  const rows: { offset_ms: string }[] = await ds.query(
    `INSERT INTO platform.dev_clock (id, offset_ms, updated_at) VALUES (1, $1, now())
     ON CONFLICT (id) DO UPDATE SET offset_ms = platform.dev_clock.offset_ms + $1, updated_at = now()
     RETURNING offset_ms`,
    [Math.round(ms)],
  );
  const offset = Number(rows[0]!.offset_ms);
  await ds.query('SELECT pg_notify($1, $2)', [CLOCK_CHANNEL, String(offset)]);
  return offset;
}
