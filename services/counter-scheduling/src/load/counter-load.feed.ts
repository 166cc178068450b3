import { EVENT_TYPES, type EventSubscription, type SubgraphRuntime } from '@onestop/common';
import type { CounterLoadCache, VersionedLoad } from './counter-load.cache.js';
import type { CounterLoadValue } from './counter-load.service.js';

/**
 * The stream behind `Subscription.counterLoadChanged`: the event log's `counter.load-changed`
 * events (from every instance, replayed from `since` first when given), each turned into the
 * counter's load through the shared cache. Pushes carry the id of the event that caused them,
 * so a client resumes with `since` = the last `eventId` it received. A push identical to the
 * previous one for the same counter (same computation) is skipped.
 *
 * An explicit iterator rather than an async generator: `return()` must end the feed at once
 * when the client unsubscribes, not after the next event arrives.
 */
export class CounterLoadFeed implements AsyncIterableIterator<CounterLoadValue> {
  private readonly sub: EventSubscription;
  private readonly lastPushed = new Map<string, VersionedLoad>();

  constructor(
    rt: SubgraphRuntime,
    private readonly cache: CounterLoadCache,
    counterId: string | null,
    since: string | undefined,
  ) {
    this.sub = rt.events.subscribe({
      since,
      types: [EVENT_TYPES.counterLoadChanged],
      filter: counterId ? (e) => e.counterId === counterId : undefined,
    });
  }

  /** Resolves once live events are delivered (see EventSubscription.ready). */
  get ready(): Promise<void> {
    return this.sub.ready;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<CounterLoadValue, undefined>> {
    for (;;) {
      const r = await this.sub.next();
      if (r.done) return { done: true, value: undefined };
      const counterId = r.value.counterId;
      if (!counterId) continue;
      const versioned = await this.cache.get(counterId, BigInt(r.value.id));
      if (!versioned || this.lastPushed.get(counterId) === versioned) continue;
      this.lastPushed.set(counterId, versioned);
      return { done: false, value: { ...versioned.load, eventId: r.value.id } };
    }
  }

  async return(): Promise<IteratorResult<CounterLoadValue, undefined>> {
    this.sub.close();
    return { done: true, value: undefined };
  }

  async throw(err?: unknown): Promise<IteratorResult<CounterLoadValue, undefined>> {
    this.sub.close();
    throw err;
  }
}
