import { type EventSubscription, type SubgraphRuntime } from '@onestop/common';
import { EVENT_TYPES } from '@onestop/common/contract';
import type { CounterLoadCache } from './counter-load.cache.js';
import type { CounterLoadChanges } from './counter-load.changes.js';
import type { CounterLoadValue } from './counter-load.service.js';

/**
 * The stream behind `Subscription.counterLoadChanged`: the event log's `counter.load-changed`
 * events (from every instance, replayed from `since` first when given), each turned into the
 * counter's load through the shared cache.
 *
 * A load is a snapshot, not a delta: computed now, it reflects every change up to the log
 * head it read (`version`), not only the event that asked for it. So the feed pushes a counter
 * only for a change its last push does not already reflect, and labels each push with the
 * latest change it can vouch for: every change of this feed up to the label is reflected in
 * this push or an earlier one. That is the counter's latest change up to `version`, unless a
 * change of another counter (all-counters feed) that has not been pushed yet lies before it;
 * then the label stops at the last change before that one. Labels strictly increase, so a
 * client resuming with `since` = the last label it received misses no change and gets no load
 * it already had. A replay after a long disconnect is one push per changed counter (its
 * current load), not one per missed event.
 *
 * An explicit iterator rather than an async generator: `return()` must end the feed at once
 * when the client unsubscribes, not after the next event arrives.
 */
export class CounterLoadFeed implements AsyncIterableIterator<CounterLoadValue> {
  private readonly sub: EventSubscription;
  /** Per counter: every change of it up to here is reflected in a push already sent. */
  private readonly reflected = new Map<string, bigint>();

  constructor(
    rt: SubgraphRuntime,
    private readonly cache: CounterLoadCache,
    private readonly changes: CounterLoadChanges,
    private readonly counterId: string | null,
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
      const id = BigInt(r.value.id);
      if (id <= (this.reflected.get(counterId) ?? 0n)) continue;
      const versioned = await this.cache.get(counterId, id);
      if (!versioned) continue;
      this.reflected.set(counterId, versioned.version);
      const label = await this.label(id, versioned.version);
      return { done: false, value: { ...versioned.load, eventId: label.toString() } };
    }
  }

  /**
   * The latest change of this feed such that it and every change before it are reflected once
   * this push is sent: `id`, or a later change the snapshot also reflects (of this counter, or
   * of another counter already pushed), up to the first change still to push.
   */
  private async label(id: bigint, version: bigint): Promise<bigint> {
    let label = id;
    if (version <= id) return label;
    for (const change of await this.changes.between(id, version)) {
      if (!change.counterId || (this.counterId && change.counterId !== this.counterId)) continue;
      if (change.id > (this.reflected.get(change.counterId) ?? 0n)) break;
      label = change.id;
    }
    return label;
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
