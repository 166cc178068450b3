import type { EntityManager } from 'typeorm';
import { OneStopError } from '../errors.js';
import type { DecodedPayload, EventPayload, EventType } from '../domain/domain-events.js';
import type { EventHandlers } from './event-handlers.js';

/**
 * One fact that happened in one subgraph, as the event log stores it. Subgraphs never read
 * each other's tables; they react to each other's events.
 */
export interface DomainEvent<P = Record<string, unknown>> {
  /**
   * Position in the one global log: a bigint as a decimal string. Ids increase in commit
   * order, so "everything after id X" is a complete, stable cursor. Gaps are normal (a
   * rolled-back append consumes ids); compare ids as BigInt, never as strings.
   */
  id: string;
  /** What happened, e.g. `case.submitted`. */
  type: string;
  /** The deployable that appended it, e.g. `work-permit`. */
  source: string;
  /** The thing it happened to (a case id, an appointment id). */
  aggregateId: string;
  /** The employer the event concerns, for agency scoping of subscriptions; null when none. */
  employerId: string | null;
  /** The counter the event concerns, for counter dashboards; null when none. */
  counterId: string | null;
  /** JSON: Dates inside come back as ISO strings. */
  payload: P;
  /** Who caused it; null for the system (SLA timers, imports). */
  actorId: string | null;
  /** Business time, from the injected Clock. */
  occurredAt: Date;
  /** Database time at insert. */
  recordedAt: Date;
}

/**
 * A catalogued event as a consumer gets it: `type` narrows `payload`, decoded by the catalogue
 * (instants are `Date`s). A union over `T` (one member per type), so a `switch (event.type)`
 * narrows the payload.
 */
export type TypedEvent<T extends EventType = EventType> = {
  [K in T]: Omit<DomainEvent, 'type' | 'payload'> & { type: K; payload: DecodedPayload<K> };
}[T];

/**
 * An event of any type with any JSON payload, as the log itself stores it: for the log's own
 * tests and benchmarks. Subgraphs append {@link NewEvent}s.
 */
export type RawNewEvent<P = Record<string, unknown>> = Omit<DomainEvent<P>, 'id' | 'source' | 'recordedAt'>;

/**
 * An event to append, typed by the catalogue: the payload's type follows from `type`. The
 * store assigns `id`, `source` and `recordedAt`. The nullable scoping fields are required on
 * purpose: whoever writes an event decides, explicitly, which employer and counter may see it.
 */
export type NewEvent<T extends EventType = EventType> = {
  [K in T]: Omit<RawNewEvent, 'type' | 'payload'> & { type: K; payload: EventPayload<K> };
}[T];

/** Options of {@link EventStore.readAfter}. */
export interface ReadOptions {
  /** At most this many events (default 1000, at most 10,000). */
  limit?: number;
  /** Only these types; omitted: every type. */
  types?: readonly string[];
}

/** Options of {@link EventStore.subscribe}. */
export interface SubscribeOptions {
  /**
   * Deliver every event with an id greater than this one (replayed from the log, then
   * live), e.g. the last id a reconnecting client saw. Omitted: only events committed after
   * the call.
   */
  since?: string;
  /** Only these types; omitted: every type. */
  types?: readonly string[];
  /** Further filtering (agency scoping, one case); a throwing filter ends the subscription with its error. */
  filter?: (event: DomainEvent) => boolean;
}

/** Options of {@link EventStore.consume}. */
export interface ConsumeOptions {
  /** Only these types reach the handler; the position still moves past every other event. */
  types?: readonly string[];
  /** Events handled per transaction (default 100). Smaller when handlers append events themselves. */
  batchSize?: number;
}

/**
 * Handles one event inside the consumer's transaction: write your own tables with `tx`, so
 * the effect and the consumer's position commit together. Throwing rolls the batch back and
 * the event is retried after a back-off.
 */
export type EventHandler = (event: DomainEvent, tx: EntityManager) => Promise<void>;

/**
 * A live feed of events in id order, for one reader (a GraphQL subscription, a dashboard).
 * Not durable: it lives as long as the process. `close()` (or the iterator's `return()`)
 * ends it; a reader that falls too far behind gets a {@link SubscriptionOverflowError}.
 */
export interface EventSubscription extends AsyncIterableIterator<DomainEvent> {
  /**
   * Resolves once the subscription has its starting position (without `since`: the head,
   * read after the call). Every event committed after `ready` is delivered; one committed
   * between the call and `ready` may or may not be. Never rejects: failures surface from
   * `next()`.
   */
  readonly ready: Promise<void>;
  close(): void;
}

/**
 * A durable, named consumer: its position survives restarts, and every instance with the
 * same name shares it, so each event's effects are applied exactly once per name.
 */
export interface Consumer {
  readonly name: string;
  /** Starts handling events; resolves once it is listening (not once it has caught up). */
  start(): Promise<void>;
  /** Stops after the batch in flight commits or rolls back. */
  stop(): Promise<void>;
  /** The last position this instance committed or saw committed ('0' before its first batch). */
  position(): string;
  /**
   * Resolves once this consumer's position has reached the head of the log as it was when
   * `drain` was called. Waits as long as a handler keeps failing; rejects if the consumer is
   * not running or is stopped meanwhile.
   */
  drain(): Promise<void>;
}

/**
 * The domain event log. The PostgreSQL implementation keeps events in the same database as
 * the state they describe (transactional outbox); a Kafka or NATS backed implementation can
 * replace it behind this interface (see docs/event-log.md).
 */
export interface EventStore<E extends RawNewEvent<object> = NewEvent> {
  /**
   * Appends events in the caller's transaction: they become visible when it commits and
   * vanish if it rolls back. Returns them with ids, in the order given. Call it last in the
   * transaction: appends are serialised until commit. A catalogued event whose payload does
   * not match its schema is refused (InvariantError): the log holds only events that decode.
   */
  append(tx: EntityManager, events: readonly E[]): Promise<DomainEvent[]>;
  /** Committed events with an id greater than `afterId`, in id order. */
  readAfter(afterId: string, opts?: ReadOptions): Promise<DomainEvent[]>;
  /** The id of the newest committed event ('0' when the log is empty). */
  headId(): Promise<string>;
  /** A live feed, optionally replaying from `since` first, with no gap and no duplicate at the switch. */
  subscribe(opts?: SubscribeOptions): EventSubscription;
  /**
   * A durable consumer named `name` (not started). With {@link EventHandlers} (`on(type,
   * handler)`), the consumer reads the types they handle and decodes each event before its
   * handler runs; an event that does not decode is parked (`platform.parked_event`, logged as
   * an error) and the consumer moves on (decision 0021). A bare handler gets raw events.
   */
  consume(name: string, opts: ConsumeOptions, handler: EventHandler | EventHandlers): Consumer;
  /** Stops every consumer and ends every subscription this store created. */
  close(): Promise<void>;
}

/**
 * A subscriber read too slowly and its buffer filled up. Nothing was lost on the server:
 * subscribe again with `since` set to the last id received.
 */
export class SubscriptionOverflowError extends OneStopError {
  constructor(
    readonly bufferSize: number,
    readonly lastDeliveredId: string | null,
  ) {
    super(
      `The subscription fell more than ${bufferSize} events behind and was closed; subscribe again with since=${lastDeliveredId ?? 'the last event id you received'}.`,
      'SERVICE_UNAVAILABLE',
      { bufferSize, lastDeliveredId },
    );
  }
}
