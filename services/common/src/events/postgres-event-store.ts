import type { DataSource, EntityManager } from 'typeorm';
import { BadUserInputError, InvariantError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PgListener } from '../db/pg-listener.js';
import type {
  ConsumeOptions,
  Consumer,
  DomainEvent,
  EventHandler,
  EventStore,
  EventSubscription,
  NewEvent,
  RawNewEvent,
  ReadOptions,
  SubscribeOptions,
} from './event-store.js';
import { EventTail } from './event-tail.js';
import { PostgresSubscription } from './postgres-subscription.js';
import { PostgresConsumer } from './postgres-consumer.js';
import { eventColumns, parseEventId, readBatch, readHead, toEvent, type EventRow } from './event-log-queries.js';
import { markAppended } from './append-marker.js';
import { EventHandlers } from './event-handlers.js';
import { decodeEventPayload, isEventType } from '../domain/domain-events.js';

/**
 * The advisory lock every append takes, for the rest of its transaction. Arbitrary but fixed,
 * next to the migration lock (7_340_001) in database.ts.
 */
export const EVENT_APPEND_LOCK = 7_340_002;

export interface PostgresEventStoreOptions {
  dataSource: DataSource;
  /** The process's one PgListener; the store adds a LISTEN on `onestop_events` to it. */
  listener: PgListener;
  logger: Logger;
  /** The deployable appending, recorded on each event (`work-permit`, ...). */
  source: string;
  /** Fallback poll when no NOTIFY arrives (default 1000 ms). */
  pollIntervalMs?: number;
  /** Events a subscription may hold for a slow reader before it is closed (default 10,000). */
  subscriptionBufferSize?: number;
  /** Back-off after a consumer's batch fails: first delay, doubling up to the maximum (defaults 200 ms, 30 s). */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

const DEFAULT_READ_LIMIT = 1000;
const MAX_READ_LIMIT = 10_000;
const PAGE_SIZE = 500;

/**
 * The event log in PostgreSQL (`platform.event_log`), as a transactional outbox.
 *
 * Ordering: ids come from a bigserial, allocated at INSERT, while rows become visible at
 * COMMIT. Unchecked, a transaction that takes id 10 and commits after the one that took id 11
 * would be skipped by every reader that had already moved past 11. So `append` first takes
 * a transaction-scoped advisory lock (EVENT_APPEND_LOCK): appends serialise from the append
 * to the commit, and id order is commit order. The price: the lock is held until commit, so
 * append last in a transaction, keep the transaction short after it, and expect appends to
 * the whole log to go one at a time (see docs/event-log.md for figures).
 *
 * `E` is what `append` takes: the catalogue's {@link NewEvent}s (the default, for subgraphs);
 * the log's own tests and benchmarks use {@link RawNewEvent}.
 */
export class PostgresEventStore<E extends RawNewEvent<object> = NewEvent> implements EventStore<E> {
  private readonly ds: DataSource;
  private readonly logger: Logger;
  private readonly source: string;
  private readonly tail: EventTail;
  private readonly bufferSize: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly subscriptions = new Set<PostgresSubscription>();
  private readonly consumers = new Set<PostgresConsumer>();
  private headInFlight: Promise<bigint> | undefined;
  private headQueued: Promise<bigint> | undefined;
  private closed = false;

  constructor(opts: PostgresEventStoreOptions) {
    if (!opts.source)
      throw new InvariantError('PostgresEventStore needs a source: the name of the deployable appending.');
    this.ds = opts.dataSource;
    this.source = opts.source;
    this.logger = opts.logger.child({ component: 'event-store' });
    this.bufferSize = positiveInt(opts.subscriptionBufferSize ?? 10_000, 'subscriptionBufferSize');
    this.retryInitialMs = positiveInt(opts.retryInitialMs ?? 200, 'retryInitialMs');
    this.retryMaxMs = Math.max(this.retryInitialMs, positiveInt(opts.retryMaxMs ?? 30_000, 'retryMaxMs'));
    this.tail = new EventTail({
      db: this.ds,
      listener: opts.listener,
      logger: this.logger,
      pollIntervalMs: positiveInt(opts.pollIntervalMs ?? 1000, 'pollIntervalMs'),
      pageSize: PAGE_SIZE,
    });
  }

  async append(tx: EntityManager, events: readonly E[]): Promise<DomainEvent[]> {
    if (!tx.queryRunner?.isTransactionActive) {
      throw new InvariantError(
        'EventStore.append needs the EntityManager of an open transaction (dataSource.transaction(async (tx) => ...)), so the events commit or roll back with the change they describe.',
      );
    }
    if (events.length === 0) return [];
    events.forEach(assertValidEvent);
    // Held until this transaction ends: appends commit in id order (see the class comment).
    await tx.query('SELECT pg_advisory_xact_lock($1)', [EVENT_APPEND_LOCK]);
    markAppended(tx);
    const rows: EventRow[] = await tx.query(
      `INSERT INTO platform.event_log
         (type, source, aggregate_id, employer_id, counter_id, payload, actor_id, occurred_at)
       SELECT u.type, $1, u.aggregate_id, u.employer_id, u.counter_id, u.payload, u.actor_id, u.occurred_at
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::timestamptz[])
         WITH ORDINALITY AS u(type, aggregate_id, employer_id, counter_id, payload, actor_id, occurred_at, n)
       ORDER BY u.n
       RETURNING ${eventColumns('event_log')}`,
      [
        this.source,
        events.map((e) => e.type),
        events.map((e) => e.aggregateId),
        events.map((e) => e.employerId),
        events.map((e) => e.counterId),
        events.map((e) => JSON.stringify(e.payload)),
        events.map((e) => e.actorId),
        events.map((e) => e.occurredAt.toISOString()),
      ],
    );
    // Rows got their ids in input order (ORDER BY u.n); RETURNING's order is not promised.
    return rows.map((r) => toEvent<Record<string, unknown>>(r)).sort(compareIds);
  }

  async readAfter(afterId: string, opts: ReadOptions = {}): Promise<DomainEvent[]> {
    const after = parseEventId(afterId, 'afterId', (m) => new BadUserInputError(m));
    const limit = opts.limit ?? DEFAULT_READ_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READ_LIMIT) {
      throw new BadUserInputError(`limit must be a whole number from 1 to ${MAX_READ_LIMIT}, got ${limit}`);
    }
    const { events } = await readBatch(this.ds, after, limit, checkTypes(opts.types));
    return events;
  }

  async headId(): Promise<string> {
    return (await readHead(this.ds)).toString();
  }

  subscribe(opts: SubscribeOptions = {}): EventSubscription {
    this.assertOpen();
    const since =
      opts.since === undefined ? undefined : parseEventId(opts.since, 'since', (m) => new BadUserInputError(m));
    const types = checkTypes(opts.types);
    const sub = new PostgresSubscription(
      {
        db: this.ds,
        tail: this.tail,
        logger: this.logger,
        head: () => this.sharedHead(),
        bufferSize: this.bufferSize,
        pageSize: Math.min(PAGE_SIZE, this.bufferSize),
        onClose: (s) => this.subscriptions.delete(s),
      },
      { since, types: types ? new Set(types) : undefined, filter: opts.filter },
    );
    this.subscriptions.add(sub);
    return sub;
  }

  consume(name: string, opts: ConsumeOptions, handler: EventHandler | EventHandlers): Consumer {
    this.assertOpen();
    if (!name) throw new InvariantError('A consumer needs a name: its position is stored under it.');
    const batchSize = positiveInt(opts.batchSize ?? 100, 'batchSize');
    let types = opts.types;
    let handle: EventHandler;
    if (handler instanceof EventHandlers) {
      if (types) throw new InvariantError(`Consumer ${name}: its handlers name its types; leave opts.types out.`);
      types = handler.types;
      handle = (e, tx) => handler.handle(e, tx);
    } else handle = handler;
    const consumer = new PostgresConsumer(name, batchSize, checkTypes(types), handle, {
      dataSource: this.ds,
      tail: this.tail,
      logger: this.logger,
      head: () => this.sharedHead(),
      retryInitialMs: this.retryInitialMs,
      retryMaxMs: this.retryMaxMs,
    });
    this.consumers.add(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.subscriptions]) s.close();
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.tail.close();
  }

  /**
   * The head of the log, read by a query that starts after this call, shared by every caller
   * waiting at the same time: 5,000 clients subscribing at once cost a couple of queries.
   */
  private sharedHead(): Promise<bigint> {
    if (!this.headInFlight) {
      this.headInFlight = readHead(this.ds).finally(() => (this.headInFlight = undefined));
      return this.headInFlight;
    }
    // A query already running may have started before this call: wait for the next one.
    this.headQueued ??= this.headInFlight
      .catch(() => undefined)
      .then(() => {
        this.headQueued = undefined;
        return this.sharedHead();
      });
    return this.headQueued;
  }

  private assertOpen(): void {
    if (this.closed) throw new InvariantError('The event store is closed.');
  }
}

function compareIds(a: DomainEvent<unknown>, b: DomainEvent<unknown>): number {
  const x = BigInt(a.id);
  const y = BigInt(b.id);
  return x < y ? -1 : x > y ? 1 : 0;
}

function positiveInt(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1)
    throw new InvariantError(`${what} must be a whole number of at least 1, got ${n}.`);
  return n;
}

function checkTypes(types: readonly string[] | undefined): readonly string[] | undefined {
  if (types === undefined) return undefined;
  if (types.length === 0) {
    throw new BadUserInputError('types must list at least one event type; leave it out to get every type');
  }
  return types;
}

function assertValidEvent(e: RawNewEvent<object>, i: number): void {
  const problems: string[] = [];
  // The producer's types already follow the catalogue; this keeps a cast or a stale build
  // from writing an event that its consumers would have to park.
  if (typeof e.type === 'string' && isEventType(e.type)) {
    const decoded = decodeEventPayload(e.type, e.payload);
    if (!decoded.ok) problems.push(`payload does not match the event catalogue: ${decoded.problems}`);
  }
  if (typeof e.type !== 'string' || !e.type) problems.push('type is empty');
  if (typeof e.aggregateId !== 'string' || !e.aggregateId) problems.push('aggregateId is empty');
  if (!(e.occurredAt instanceof Date) || Number.isNaN(e.occurredAt.getTime()))
    problems.push('occurredAt is not a valid Date');
  if (e.payload === null || typeof e.payload !== 'object' || Array.isArray(e.payload)) {
    problems.push('payload is not a JSON object');
  }
  for (const k of ['employerId', 'counterId', 'actorId'] as const) {
    if (e[k] !== null && typeof e[k] !== 'string') problems.push(`${k} must be a string or null`);
  }
  if (problems.length)
    throw new InvariantError(`Event ${i} (${String(e.type)}) cannot be appended: ${problems.join('; ')}.`);
}
