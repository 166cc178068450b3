import type { DataSource } from 'typeorm';
import { InvariantError, type Clock, type CommandPipeline, type CommandSpec, type Logger } from '@onestop/common';
import { emitAll } from '../../../shared/events.js';
import { fireDueThresholds, CLOCK_COLUMNS, saveClocks, type ClockRow } from './sla-clock.store.js';

export interface SlaSweeperOptions {
  ds: DataSource;
  /** The subgraph's command pipeline: a pass is a command of the system. */
  commands: CommandPipeline;
  clock: Clock;
  logger: Logger;
  /** Pause between passes; at most 250 ms, so a threshold is emitted within a second of falling due. */
  intervalMs: number;
  /** Clocks per transaction. */
  batchSize: number;
  /** Told each pass's duration and clocks fired (the `/metrics` families). */
  onSweep?: (seconds: number, clocks: number) => void;
}

/**
 * The statement of a pass. The partial index `IDX_sla_clock_next_fire_at` (running clocks
 * only, by next firing instant) makes it read just the clocks that are due: a pass costs
 * O(due clocks), whatever the number of open clocks. `SKIP LOCKED` lets several instances
 * sweep at once, each taking different clocks.
 */
export const SWEEP_SQL = `SELECT ${CLOCK_COLUMNS} FROM cs.sla_clock
  WHERE state = 'RUNNING' AND next_fire_at <= $1
  ORDER BY next_fire_at
  LIMIT $2
  FOR UPDATE SKIP LOCKED`;

/**
 * Emits SLA warnings and breaches when they fall due. Each instance of the subgraph runs one;
 * each pass locks the due clocks, appends their events and moves their next firing instant
 * in ONE transaction, so a threshold is emitted exactly once however many instances race.
 */
export class SlaSweeper {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: SlaSweeperOptions) {}

  /** One pass as a command of the system: its target is the batch of due clocks, locked (SKIP LOCKED). */
  private readonly pass: CommandSpec<{ now: Date }, ClockRow[], number> = {
    name: 'sweepSlaClocks',
    action: 'sla.read',
    load: (tx, { now }) => tx.query(SWEEP_SQL, [now, this.opts.batchSize]),
    resource: () => ({}),
    notFound: () => new InvariantError('the SLA sweep always has a batch, if empty'),
    subject: () => ({ aggregateId: 'sla-sweep', employerId: null }),
    execute: async (cx, rows, { now }) => {
      if (!rows.length) return 0;
      const events = rows.flatMap((row) => fireDueThresholds(row, now, now));
      await saveClocks(cx.tx, rows, now, { progressOnly: true });
      emitAll(cx, events);
      this.opts.logger.debug({ clocks: rows.length, events: events.length }, 'SLA sweep emitted');
      return rows.length;
    },
  };

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /**
   * One transaction: emits every threshold due at `now` for up to `batchSize` clocks.
   * Returns how many clocks it handled (a full batch means more may be due).
   */
  async sweepOnce(now: Date = this.opts.clock.now()): Promise<number> {
    const started = performance.now();
    const clocks = await this.opts.ds.transaction((tx) =>
      this.opts.commands.runIn(
        tx,
        { kind: 'system', name: 'sla-sweeper', cause: { actorId: null, at: now } },
        this.pass,
        {
          now,
        },
      ),
    );
    this.opts.onSweep?.((performance.now() - started) / 1000, clocks);
    return clocks;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        while (this.running && (await this.sweepOnce()) === this.opts.batchSize);
        failures = 0;
      } catch (err) {
        failures++;
        // A dropped connection or a deadlock victim: nothing was emitted, the next pass retries.
        this.opts.logger.error({ err: (err as Error).message, attempt: failures }, 'SLA sweep failed; retrying');
      }
      await this.sleep(failures ? Math.min(this.opts.intervalMs * 2 ** failures, 5_000) : this.opts.intervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = (): void => done();
      this.wake = wake;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => (this.wake = undefined));
  }
}
