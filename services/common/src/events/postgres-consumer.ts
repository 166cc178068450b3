import type { DataSource, EntityManager } from 'typeorm';
import { hasAppended } from './append-marker.js';
import { InvariantError, ServiceUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Consumer, DomainEvent, EventHandler } from './event-store.js';
import { EventDecodeError } from './event-handlers.js';
import type { EventTail } from './event-tail.js';
import { maxBig, readBatch } from './event-log-queries.js';

export interface ConsumerDeps {
  dataSource: DataSource;
  tail: EventTail;
  logger: Logger;
  head: () => Promise<bigint>;
  retryInitialMs: number;
  retryMaxMs: number;
}

interface BatchResult {
  /** The committed position (this batch's, or another instance's it found). */
  position: bigint;
  /** True when the batch was full: more events may be waiting. */
  full: boolean;
}

/** A handler threw: which event, for the log. */
class HandlerFailure extends Error {
  constructor(
    readonly event: DomainEvent,
    override readonly cause: unknown,
  ) {
    super(`handler failed on event ${event.id} (${event.type}): ${(cause as Error)?.message ?? String(cause)}`);
  }
}

interface PendingDrain {
  target: bigint;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * A durable consumer. Each batch is one transaction:
 *   lock the consumer's row in platform.consumer_offset (FOR UPDATE) → read up to
 *   `batchSize` events after its position → run the handler for each with the transaction's
 *   EntityManager (stopping after one that appended to the log) → move the position → commit.
 * The handler's writes and the position commit or roll back together, so after a crash or a
 * failed handler nothing is lost and nothing is applied twice; the row lock makes instances
 * of the same consumer in other processes take turns, so no event is handled by two of them.
 */
export class PostgresConsumer implements Consumer {
  private running = false;
  private loop: Promise<void> | undefined;
  private committed = 0n;
  /** Everything up to here has been handled (the head of the last batch's snapshot). */
  private handledHead = -1n;
  /** The newest head the tail has told us about. */
  private latestHead = -1n;
  private wakeLoop: (() => void) | undefined;
  private unwatch: (() => void) | undefined;
  private drains: PendingDrain[] = [];
  private readonly typeList: string[] | undefined;

  constructor(
    readonly name: string,
    private readonly batchSize: number,
    types: readonly string[] | undefined,
    private readonly handler: EventHandler,
    private readonly deps: ConsumerDeps,
  ) {
    this.typeList = types ? [...types] : undefined;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.deps.tail.start();
    if (this.running) return;
    this.running = true;
    this.unwatch = this.deps.tail.addWatcher((head) => this.onHead(head));
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) {
      await this.loop;
      return;
    }
    this.running = false;
    this.unwatch?.();
    this.wakeLoop?.();
    await this.loop;
    const drains = this.drains;
    this.drains = [];
    for (const d of drains)
      d.reject(new ServiceUnavailableError(`Consumer ${this.name} was stopped before it drained.`));
  }

  position(): string {
    return this.committed.toString();
  }

  async drain(): Promise<void> {
    if (!this.running) throw new InvariantError(`Consumer ${this.name} is not running: start() it before drain().`);
    const target = await this.deps.head();
    if (this.committed >= target) return;
    if (!this.running) throw new ServiceUnavailableError(`Consumer ${this.name} was stopped before it drained.`);
    return new Promise<void>((resolve, reject) => {
      this.drains.push({ target, resolve, reject });
      this.onHead(target);
    });
  }

  private onHead(head: bigint): void {
    this.latestHead = maxBig(this.latestHead, head);
    if (this.latestHead > this.handledHead) this.wakeLoop?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let result: BatchResult;
      try {
        result = await this.batch();
        failures = 0;
      } catch (err) {
        failures++;
        const delayMs = Math.min(this.deps.retryInitialMs * 2 ** (failures - 1), this.deps.retryMaxMs);
        const failed = err instanceof HandlerFailure ? err : undefined;
        this.deps.logger.error(
          {
            consumer: this.name,
            eventId: failed?.event.id,
            eventType: failed?.event.type,
            err: ((failed?.cause ?? err) as Error)?.message ?? String(err),
            attempt: failures,
            retryInMs: delayMs,
          },
          'event consumer batch rolled back; retrying',
        );
        // Only stop() cuts the back-off short: a NOTIFY must not turn a failing handler into a hot loop.
        await this.sleep(delayMs);
        continue;
      }
      this.committed = maxBig(this.committed, result.position);
      this.settleDrains();
      if (result.full) continue;
      this.handledHead = maxBig(this.handledHead, result.position);
      if (this.latestHead > this.handledHead || !this.running) continue;
      await new Promise<void>((resolve) => (this.wakeLoop = resolve));
      this.wakeLoop = undefined;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeLoop = () => {
        if (!this.running) done();
      };
    }).finally(() => (this.wakeLoop = undefined));
  }

  private settleDrains(): void {
    if (!this.drains.length) return;
    const done = this.drains.filter((d) => this.committed >= d.target);
    this.drains = this.drains.filter((d) => this.committed < d.target);
    for (const d of done) d.resolve();
  }

  private batch(): Promise<BatchResult> {
    return this.deps.dataSource.transaction(async (tx) => {
      const from = await this.lockPosition(tx);
      const { events, head } = await readBatch(tx, from, this.batchSize, this.typeList);
      let handled = 0;
      for (const e of events) {
        try {
          await this.handler(e, tx);
        } catch (err) {
          // Thrown at the boundary, before the handler wrote anything: retrying cannot help,
          // and stopping here would hold up every later event. Park it with its position.
          if (err instanceof EventDecodeError) await this.park(tx, e, err);
          else throw new HandlerFailure(e, err);
        }
        handled++;
        // The handler appended: this transaction now holds the log's commit-order lock. Commit
        // here rather than go on to lock other rows while holding it (a command holding one of
        // those rows and waiting to append would deadlock with us). The rest is the next batch.
        if (hasAppended(tx)) break;
      }
      const full = handled < events.length || events.length === this.batchSize;
      // Not full: every event up to the snapshot's head has been seen, matching or not.
      const to = full ? BigInt(events[handled - 1]!.id) : maxBig(from, head);
      if (to !== from) {
        await tx.query('UPDATE platform.consumer_offset SET position = $2, updated_at = now() WHERE consumer = $1', [
          this.name,
          to.toString(),
        ]);
      }
      return { position: to, full };
    });
  }

  /**
   * Records an event this consumer could not decode in `platform.parked_event`, in the batch's
   * transaction, and says so at error level: never dropped in silence (decision 0021). Once
   * the producer or the catalogue is fixed, the parked rows name what to replay.
   */
  private async park(tx: EntityManager, e: DomainEvent, err: EventDecodeError): Promise<void> {
    await tx.query(
      `INSERT INTO platform.parked_event (consumer, event_id, type, problems, parked_at)
       VALUES ($1, $2, $3, $4, now()) ON CONFLICT (consumer, event_id) DO NOTHING`,
      [this.name, e.id, e.type, err.problems],
    );
    this.deps.logger.error(
      { consumer: this.name, eventId: e.id, eventType: e.type, source: e.source, problems: err.problems },
      'event does not match the event catalogue: parked in platform.parked_event, not handled',
    );
  }

  /**
   * Locks this consumer's row for the transaction and returns its position. Another instance
   * of the same consumer blocks here until this batch commits, then reads the new position.
   */
  private async lockPosition(tx: EntityManager): Promise<bigint> {
    const select = 'SELECT position::text AS position FROM platform.consumer_offset WHERE consumer = $1 FOR UPDATE';
    let rows: { position: string }[] = await tx.query(select, [this.name]);
    if (!rows.length) {
      // Two instances may both find no row: one insert wins, the other does nothing, and both
      // then lock the one row.
      await tx.query('INSERT INTO platform.consumer_offset (consumer) VALUES ($1) ON CONFLICT DO NOTHING', [this.name]);
      rows = await tx.query(select, [this.name]);
    }
    return BigInt(rows[0]!.position);
  }
}
