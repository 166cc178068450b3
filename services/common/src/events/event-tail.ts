import { InvariantError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PgListener } from '../db/pg-listener.js';
import type { DomainEvent } from './event-store.js';
import { EVENTS_CHANNEL, maxBig, readBatch, readHead, type Queryable } from './event-log-queries.js';

/** A live reader fed by the tail: receives each event with an id above the tail's position when it joined. */
export interface TailSubscriber {
  offer(event: DomainEvent): void;
}

/** Told the newest known head; a consumer wakes when it is past what it has handled. */
export type HeadWatcher = (head: bigint) => void;

export interface EventTailOptions {
  db: Queryable;
  listener: PgListener;
  logger: Logger;
  pollIntervalMs: number;
  pageSize: number;
}

/**
 * The one reader of the log per store (per process): woken by NOTIFY, by a fallback poll and
 * after the listener reconnects, it reads new events once and fans them out to every live
 * subscription in memory, and tells every consumer the new head. 5,000 subscriptions cost
 * one query per wake-up, not 5,000.
 *
 * Its position only moves forward, and everything above it is delivered to every
 * subscriber registered at the time: a subscriber joining at position P gets exactly the
 * events with id > P, in id order. Ids are assigned in commit order (see
 * PostgresEventStore.append), so "read everything above my position" never skips an event
 * that commits late.
 */
export class EventTail {
  /** Highest id known committed and already fanned out to the subscribers. */
  private lastSeen = 0n;
  private readonly subscribers = new Set<TailSubscriber>();
  private readonly watchers = new Set<HeadWatcher>();
  private starting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => void) | undefined;
  private unreconnect: (() => void) | undefined;
  private reading = false;
  private readAgain = false;
  private closed = false;

  constructor(private readonly opts: EventTailOptions) {}

  /** Starts listening (once); resolves when the position is known. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new InvariantError('The event store is closed.'));
    this.starting ??= this.doStart().catch((err: unknown) => {
      this.starting = undefined; // let the next caller try again
      throw err;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    // Listen first, then read the head: a NOTIFY in between only moves the position further.
    this.unlisten ??= await this.opts.listener.listen(EVENTS_CHANNEL, (payload) => this.onNotify(payload));
    // Notifications sent while the listener was disconnected are lost: read instead.
    this.unreconnect ??= this.opts.listener.onReconnect(() => this.wake());
    const head = await readHead(this.opts.db);
    this.lastSeen = maxBig(this.lastSeen, head);
    if (!this.timer) {
      this.timer = setInterval(() => this.poll(), this.opts.pollIntervalMs);
      this.timer.unref();
    }
  }

  /** The highest id fanned out so far. */
  get position(): bigint {
    return this.lastSeen;
  }

  /** Adds a subscriber; it receives every event with an id above the returned position. */
  addSubscriber(s: TailSubscriber): bigint {
    this.subscribers.add(s);
    return this.lastSeen;
  }

  removeSubscriber(s: TailSubscriber): void {
    this.subscribers.delete(s);
  }

  addWatcher(w: HeadWatcher): () => void {
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  private onNotify(payload: string): void {
    let id: bigint;
    try {
      id = BigInt(payload);
    } catch {
      this.wake();
      return;
    }
    // Consumers read for themselves, inside their own transaction: tell them right away.
    for (const w of this.watchers) w(id);
    if (this.subscribers.size === 0) {
      // Nobody to feed rows to: the notified id is committed, and so is everything below it
      // (commit-order ids), so the position can move there without a query.
      this.lastSeen = maxBig(this.lastSeen, id);
    } else if (id > this.lastSeen) {
      this.wake();
    }
  }

  private poll(): void {
    if (this.subscribers.size === 0 && this.watchers.size === 0) return; // nobody is waiting
    this.wake();
  }

  /** Reads new events now, or right after the read in progress. */
  wake(): void {
    if (this.closed) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    void this.readLoop();
  }

  private async readLoop(): Promise<void> {
    try {
      do {
        this.readAgain = false;
        if (this.subscribers.size === 0) {
          const head = await readHead(this.opts.db);
          // A subscriber that joined during the query expects every event above the position it
          // joined at: fetch the rows instead of jumping past them.
          if (this.subscribers.size > 0) this.readAgain = true;
          else this.lastSeen = maxBig(this.lastSeen, head);
        } else {
          const { events, head } = await readBatch(this.opts.db, this.lastSeen, this.opts.pageSize, undefined);
          this.fanOut(events);
          if (events.length === this.opts.pageSize) this.readAgain = true;
          else this.lastSeen = maxBig(this.lastSeen, head);
        }
        for (const w of this.watchers) w(this.lastSeen);
      } while (this.readAgain && !this.closed);
    } catch (err) {
      // The next NOTIFY or poll tries again.
      this.opts.logger.warn({ err: (err as Error).message }, 'event log read failed; retrying on the next poll');
    } finally {
      this.reading = false;
    }
  }

  private fanOut(events: readonly DomainEvent[]): void {
    for (const e of events) {
      const id = BigInt(e.id);
      // The position may have moved on while the query ran (a NOTIFY with no subscribers).
      if (id <= this.lastSeen) continue;
      this.lastSeen = id;
      for (const s of this.subscribers) s.offer(e);
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unlisten?.();
    this.unreconnect?.();
    this.subscribers.clear();
    this.watchers.clear();
  }
}
