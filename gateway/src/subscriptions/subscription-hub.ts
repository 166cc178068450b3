import type { Logger } from '@onestop/common';
import type { FormattedExecutionResult } from 'graphql';
import type { Upstream, UpstreamEvent, UpstreamHandlers } from './upstream.js';

/** One client subscription attached to a hub. */
export interface Subscriber {
  /** The subscriber's Authorization header value. */
  authorization: string;
  /** When the subscriber's token expires (ms since epoch; Infinity when it does not). */
  expiresAt: number;
  requestId: string;
  /**
   * Where results go when the transport takes them already serialised (the graphql-ws server
   * does). Without a sink, results are queued on the stream for its reader to pull.
   */
  sink?: ResultSink;
}

/**
 * A subscriber's connection, written to directly: a hub serialises each result once and hands
 * the same JSON text to every subscriber's sink, instead of each subscriber's transport
 * serialising its own copy of the same object.
 */
export interface ResultSink {
  /** Sends one result given as its JSON text. */
  send(resultJson: string): void;
  /** Results sent but not yet written out to the connection (a slow reader's backlog; may be estimated from bytes held). */
  backlog(): number;
}

/** What a hub needs: how to open its upstream and how to complete an event. */
export interface HubSource {
  /** Opens the upstream subscription; `resumeFrom` is the last event id seen, for reconnects. */
  open(handlers: UpstreamHandlers, authorization: () => string, resumeFrom: () => string | null): Upstream;
  /** Runs the rest of the plan for one event, with the given Authorization. */
  complete(event: UpstreamEvent, authorization: string): Promise<FormattedExecutionResult>;
  /** The event id the upstream payload carries (resume convention), or null. */
  eventId(event: UpstreamEvent): string | null;
}

/** At most this many results wait for a slow subscriber before it is dropped. */
export const MAX_BACKLOG = 1000;

/**
 * Subscribers written to between two turns of the event loop. A write costs ~10 µs (mostly the
 * socket's system call), so 10,000 subscribers of one event would hold the loop for 100 ms:
 * other hubs' events, HTTP requests and new connections would wait behind it. Slices of 1,000
 * (~10 ms) let them in; the hub's own next event still waits for this one (order per subscriber).
 */
export const FANOUT_SLICE = 1000;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** What a subscriber that fell more than MAX_BACKLOG results behind receives last. */
const TOO_FAR_BEHIND: FormattedExecutionResult = {
  errors: [
    {
      message: 'This subscription fell too far behind and was ended; subscribe again.',
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    },
  ],
};

/**
 * A subscriber's stream: a queue the hub pushes to and graphql-ws pulls from, or — with a
 * sink — a pass-through to the subscriber's connection, the stream then only marking the
 * subscription's lifetime for graphql-ws (it yields nothing and ends when the hub ends it).
 * Ending it (client `complete`, socket closed) detaches it from the hub.
 */
class SubscriberStream implements AsyncIterableIterator<FormattedExecutionResult> {
  private readonly queue: FormattedExecutionResult[] = [];
  private waiting: ((r: IteratorResult<FormattedExecutionResult>) => void) | undefined;
  private ended = false;

  constructor(
    readonly subscriber: Subscriber,
    private readonly detach: (s: SubscriberStream) => void,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Delivers one result; `json` gives its JSON text (computed once per event and shared by the hub). */
  push(result: FormattedExecutionResult, json: () => string = () => JSON.stringify(result)): void {
    if (this.ended) return;
    const sink = this.subscriber.sink;
    if (sink) {
      if (sink.backlog() >= MAX_BACKLOG) {
        sink.send(JSON.stringify(TOO_FAR_BEHIND));
        this.end();
        return;
      }
      sink.send(json());
      return;
    }
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value: result, done: false });
      return;
    }
    if (this.queue.length >= MAX_BACKLOG) {
      this.queue.length = 0;
      this.queue.push(TOO_FAR_BEHIND);
      this.end();
      return;
    }
    this.queue.push(result);
  }

  /** Ends the stream after what is queued (and `last`, when given). */
  end(last?: FormattedExecutionResult): void {
    if (this.ended) return;
    if (last) this.push(last);
    this.ended = true;
    this.detach(this);
    if (this.waiting && this.queue.length === 0) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value: undefined, done: true });
    }
  }

  async next(): Promise<IteratorResult<FormattedExecutionResult>> {
    const queued = this.queue.shift();
    if (queued) return { value: queued, done: false };
    if (this.ended) return { value: undefined, done: true };
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async return(): Promise<IteratorResult<FormattedExecutionResult>> {
    this.queue.length = 0;
    this.end();
    return { value: undefined, done: true };
  }
}

/**
 * One upstream subscription shared by every subscriber with the same operation, variables and
 * access scope. Events are completed (`rest` of the plan) once, in order, and the same result
 * is delivered to each subscriber.
 */
class Hub {
  private readonly streams = new Set<SubscriberStream>();
  private upstream: Upstream | undefined;
  private lastEventId: string | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  eventsSeen = 0;

  constructor(
    readonly key: string,
    private readonly source: HubSource,
    private readonly logger: Logger,
    private readonly onEmpty: (hub: Hub) => void,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  add(subscriber: Subscriber): SubscriberStream {
    const stream = new SubscriberStream(subscriber, (s) => this.remove(s));
    this.streams.add(stream);
    if (!this.upstream) {
      this.upstream = this.source.open(
        {
          next: (event) => this.onEvent(event),
          error: (err) => this.finish(upstreamFailure(err)),
          complete: () => this.finish(),
        },
        () => this.authorization(),
        () => this.lastEventId,
      );
    }
    return stream;
  }

  /** The Authorization of the subscriber whose token lives longest: used for connects and for `rest`. */
  private authorization(): string {
    let best: Subscriber | undefined;
    for (const s of this.streams) if (!best || s.subscriber.expiresAt > best.expiresAt) best = s.subscriber;
    return best?.authorization ?? '';
  }

  private onEvent(event: UpstreamEvent): void {
    const id = this.source.eventId(event);
    if (id !== null) this.lastEventId = id;
    this.eventsSeen++;
    // One completion per event, in event order, whatever the number of subscribers.
    this.chain = this.chain.then(async () => {
      if (this.closed || this.streams.size === 0) return;
      let result: FormattedExecutionResult;
      try {
        result = await this.source.complete(event, this.authorization());
      } catch (err) {
        this.logger.error({ err: (err as Error)?.message, hub: this.key }, 'subscription event failed');
        result = {
          errors: [
            {
              message: 'Something went wrong on our side while completing this event.',
              extensions: { code: 'INTERNAL_SERVER_ERROR' },
            },
          ],
        };
      }
      // Serialised once for every subscriber (sinks write the same text to each connection).
      let json: string | undefined;
      const serialised = (): string => (json ??= JSON.stringify(result));
      let written = 0;
      // A Set iterates over what is added meanwhile and skips what is removed: a subscriber who
      // joins during the fan-out gets this event too, one who leaves gets nothing more.
      for (const s of this.streams) {
        s.push(result, serialised);
        if (++written % FANOUT_SLICE === 0) await nextTurn();
      }
    });
  }

  private finish(last?: FormattedExecutionResult): void {
    void this.chain.then(() => {
      for (const s of [...this.streams]) s.end(last);
      this.close();
    });
  }

  private remove(stream: SubscriberStream): void {
    this.streams.delete(stream);
    if (this.streams.size === 0) this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.upstream?.dispose();
    for (const s of [...this.streams]) s.end();
    this.onEmpty(this);
  }
}

/** What the client receives when its upstream subscription ends in error. */
function upstreamFailure(err: unknown): FormattedExecutionResult {
  if (Array.isArray(err) && err.length > 0) return { errors: err };
  return {
    errors: [
      {
        message: 'Live updates are unavailable right now; subscribe again later.',
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      },
    ],
  };
}

/**
 * The fan-out registry: hubs keyed by (normalised document, variables, access scope). The
 * first subscriber opens the upstream subscription, the last one to leave closes it.
 */
export class SubscriptionHubs {
  private readonly hubs = new Map<string, Hub>();

  constructor(private readonly logger: Logger) {}

  /** Attaches a subscriber to the hub for `key`, creating it (with `source`) when there is none. */
  subscribe(
    key: string,
    source: () => HubSource,
    subscriber: Subscriber,
  ): AsyncIterableIterator<FormattedExecutionResult> {
    let hub = this.hubs.get(key);
    if (!hub) {
      hub = new Hub(key, source(), this.logger, (h) => {
        if (this.hubs.get(h.key) === h) this.hubs.delete(h.key);
      });
      this.hubs.set(key, hub);
    }
    return hub.add(subscriber);
  }

  /** How many upstream subscriptions and subscribers there are. */
  stats(): { upstreams: number; subscribers: number } {
    let subscribers = 0;
    for (const h of this.hubs.values()) subscribers += h.size;
    return { upstreams: this.hubs.size, subscribers };
  }

  closeAll(): void {
    for (const h of [...this.hubs.values()]) h.close();
  }
}
