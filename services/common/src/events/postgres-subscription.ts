import type { Logger } from '../logger.js';
import { SubscriptionOverflowError, type DomainEvent, type EventSubscription } from './event-store.js';
import type { EventTail, TailSubscriber } from './event-tail.js';
import { maxBig, readBatch, type Queryable } from './event-log-queries.js';

export interface SubscriptionDeps {
  db: Queryable;
  tail: EventTail;
  logger: Logger;
  /** Resolves to the head of the log, read after the call. */
  head: () => Promise<bigint>;
  bufferSize: number;
  pageSize: number;
  onClose: (s: PostgresSubscription) => void;
}

export interface SubscriptionSpec {
  since: bigint | undefined;
  types: ReadonlySet<string> | undefined;
  filter: ((e: DomainEvent) => boolean) | undefined;
}

type Phase =
  /** Not yet positioned. */
  | 'new'
  /** Reading the log page by page, as fast as the reader pulls; not fed by the tail. */
  | 'replay'
  /** Fed by the tail into `stash` while a last read closes the gap; see `catchUp`. */
  | 'catch-up'
  /** Fed by the tail. */
  | 'live'
  | 'closed';

/**
 * One subscription: replay from the table, then live from the tail, switching over with no
 * gap and no duplicate. `cursor` is the highest id this subscription has accounted for
 * (delivered, or filtered out); anything at or below it is dropped, so an event reaching it
 * both from a table read and from the tail is delivered once.
 */
export class PostgresSubscription implements EventSubscription, TailSubscriber {
  private phase: Phase = 'new';
  private cursor = 0n;
  /** Events waiting for the reader; bounded by `bufferSize`. */
  private queue: DomainEvent[] = [];
  private queueHead = 0;
  /** Live events that arrived during catch-up. */
  private stash: DomainEvent[] = [];
  private failure: Error | undefined;
  private wakeReader: (() => void) | undefined;
  private lastDelivered: string | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  readonly ready: Promise<void>;

  constructor(
    private readonly deps: SubscriptionDeps,
    private readonly spec: SubscriptionSpec,
  ) {
    // Positioned now rather than at the first next(): "from the head" means the head when
    // subscribe() was called, not whenever the reader first pulls.
    this.ready = this.init().catch((err: unknown) => this.fail(err as Error));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Reads are serialised: a second `next()` waits for the first. */
  next(): Promise<IteratorResult<DomainEvent, undefined>> {
    const p = this.chain.then(() => this.pull());
    this.chain = p.catch(() => undefined);
    return p;
  }

  async return(): Promise<IteratorResult<DomainEvent, undefined>> {
    this.close();
    return { done: true, value: undefined };
  }

  async throw(err?: unknown): Promise<IteratorResult<DomainEvent, undefined>> {
    this.close();
    throw err;
  }

  close(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.queue = [];
    this.queueHead = 0;
    this.stash = [];
    this.deps.tail.removeSubscriber(this);
    this.deps.onClose(this);
    this.wakeReader?.();
  }

  private async pull(): Promise<IteratorResult<DomainEvent, undefined>> {
    for (;;) {
      if (this.failure) {
        const err = this.failure;
        this.failure = undefined; // reported once; afterwards the iterator is done
        throw err;
      }
      if (this.queueHead < this.queue.length) {
        const value = this.queue[this.queueHead++]!;
        if (this.queueHead === this.queue.length) {
          this.queue = [];
          this.queueHead = 0;
        } else if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.queueHead); // a reader that never quite catches up
          this.queueHead = 0;
        }
        this.lastDelivered = value.id;
        return { done: false, value };
      }
      if (this.phase === 'closed') return { done: true, value: undefined };
      if (this.phase === 'new') {
        await this.ready;
        continue;
      }
      if (this.phase === 'replay') {
        try {
          await this.replayStep();
        } catch (err) {
          this.fail(err as Error);
        }
        continue;
      }
      await new Promise<void>((resolve) => (this.wakeReader = resolve));
      this.wakeReader = undefined;
    }
  }

  private async init(): Promise<void> {
    await this.deps.tail.start();
    const cursor = this.spec.since ?? (await this.deps.head());
    if (this.phase !== 'new') return; // closed meanwhile
    this.cursor = cursor;
    this.phase = 'replay';
    // Nothing to replay: everything above the tail's position will come from the tail.
    if (this.cursor >= this.deps.tail.position) this.goLive();
  }

  /** One step of the replay, run as the reader pulls: read one page, maybe switch to live. */
  private async replayStep(): Promise<void> {
    const { tail } = this.deps;
    if (this.cursor >= tail.position) {
      this.goLive();
      return;
    }
    const caughtUp = await this.readPage();
    if (!caughtUp || this.phase !== 'replay') return;
    if (this.cursor >= tail.position) this.goLive();
    else await this.catchUp();
  }

  /**
   * The tail moved on while the replay read: join it now, stashing what it sends, and read
   * the table once more. The tail sends every event above its position at joining (P); the
   * read covers up to the head of a snapshot taken after joining, which is at least P. The
   * union has no gap, and the cursor drops the overlap.
   */
  private async catchUp(): Promise<void> {
    this.phase = 'catch-up';
    this.deps.tail.addSubscriber(this);
    let caughtUp = false;
    while (!caughtUp && this.phase === 'catch-up') caughtUp = await this.readPage();
    if (this.phase !== 'catch-up') return;
    const stash = this.stash;
    this.stash = [];
    this.phase = 'live';
    for (const e of stash) this.accept(e);
  }

  /** Reads one page after the cursor; true when it reached the head of its snapshot. */
  private async readPage(): Promise<boolean> {
    const types = this.spec.types ? [...this.spec.types] : undefined;
    const { events, head } = await readBatch(this.deps.db, this.cursor, this.deps.pageSize, types);
    if (this.phase === 'closed') return true;
    for (const e of events) this.accept(e);
    if (events.length === this.deps.pageSize) return false;
    // With a type filter the last row may be far below the head; nothing at or below the
    // head of this snapshot can still appear (commit-order ids), so skip to it.
    this.cursor = maxBig(this.cursor, head);
    return true;
  }

  private goLive(): void {
    this.phase = 'live';
    this.deps.tail.addSubscriber(this);
  }

  /** From the tail. */
  offer(e: DomainEvent): void {
    if (this.phase === 'catch-up') {
      if (this.stash.length >= this.deps.bufferSize) {
        this.fail(new SubscriptionOverflowError(this.deps.bufferSize, this.lastDelivered));
      } else {
        this.stash.push(e);
      }
      return;
    }
    if (this.phase === 'live') this.accept(e);
  }

  private accept(e: DomainEvent): void {
    const id = BigInt(e.id);
    if (id <= this.cursor) return;
    this.cursor = id;
    if (this.spec.types && !this.spec.types.has(e.type)) return;
    if (this.spec.filter) {
      try {
        if (!this.spec.filter(e)) return;
      } catch (err) {
        this.fail(err as Error);
        return;
      }
    }
    if (this.queue.length - this.queueHead >= this.deps.bufferSize) {
      this.fail(new SubscriptionOverflowError(this.deps.bufferSize, this.lastDelivered));
      return;
    }
    this.queue.push(e);
    this.wakeReader?.();
  }

  private fail(err: Error): void {
    if (this.phase === 'closed') return;
    this.deps.logger.warn({ err: err.message }, 'event subscription closed');
    this.close();
    this.failure = err;
  }
}
